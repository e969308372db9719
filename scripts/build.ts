// `npm run build`: compiles to JavaScript in dist/ (tsconfig.build.json), copies the SQL migrations next to
// the compiled code, and prebuilds the workflow bundle (dist/workflow-bundle.js) the compiled worker loads
// instead of bundling at every start.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

async function main(): Promise<void> {
  const root = join(__dirname, '..');
  const dist = join(root, 'dist');
  rmSync(dist, { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  cpSync(join(root, 'src', 'crm', 'migrations'), join(dist, 'src', 'crm', 'migrations'), { recursive: true, filter: (f) => !f.endsWith('.ts') });
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(dist, 'workflows', 'index.js'),
    workflowInterceptorModules: [join(dist, 'src', 'metrics', 'workflow-interceptors.js')],
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} } as never,
  });
  writeFileSync(join(dist, 'workflow-bundle.js'), code);
  console.log(`built dist/ and dist/workflow-bundle.js (${Math.round(code.length / 1024)} KiB)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
