// The client SDK as CRM-side code gets it: `npm run build`, `npm pack`, the tarball installed into a plain
// JavaScript (CommonJS) project and into an ESM TypeScript project, each starting and awaiting a real run
// (Temporal dev server, worker and CRM from startSetEnv) through `require`/`import` of the package.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createHash, randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { runProcess } from '../helpers/run-cli';
import { G5_PASSWORD, startSetEnv, TOKEN, type SetEnv } from './helpers/set-env';

const ROOT = join(__dirname, '..', '..');

async function ok(cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const res = await runProcess(cmd, args, cwd, env);
  assert.equal(res.code, 0, `${cmd} ${args.join(' ')}:\n${res.stdout}\n${res.stderr}`);
  return res.stdout;
}

/** A scratch project with the tarball installed (from npm's cache where it can). */
async function project(dir: string, pkg: Record<string, unknown>, tarball: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, ...pkg }, null, 2));
  await ok('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], dir);
}

const CJS = `
const { createIntegradorClient } = require('integrador');
(async () => {
  const client = await createIntegradorClient({ address: process.env.ADDRESS, taskQueue: process.env.TASK_QUEUE });
  try {
    const result = await client.run({ base: 'demo', empresaId: 1, empresaFilialId: null, integracaoId: 19, params: { contaId: '1' } });
    console.log(JSON.stringify(result));
  } finally {
    await client.close();
  }
})().catch((err) => { console.error(err); process.exit(1); });
`;

const ESM_TS = `
import { createIntegradorClient, setRunWorkflowId, type RunRequest, type RunResult } from 'integrador';

const request: RunRequest = { base: 'demo', empresaId: 1, empresaFilialId: null, integracaoId: 19, params: { contaId: '2' } };
const client = await createIntegradorClient({ address: process.env.ADDRESS, taskQueue: process.env.TASK_QUEUE });
try {
  const result: RunResult = await client.run(request);
  const id: string = setRunWorkflowId(request);
  console.log(JSON.stringify({ ...result, expectedId: id }));
} finally {
  await client.close();
}
`;

describe('the packed client SDK', () => {
  let env: SetEnv;
  let dir: string;
  let tarball: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'integrador-pack-'));
    const [setEnv] = await Promise.all([
      startSetEnv(),
      (async () => {
        await ok('npm', ['run', 'build', '--silent'], ROOT);
        await ok('npm', ['pack', '--silent', '--pack-destination', dir], ROOT);
        tarball = join(
          dir,
          readdirSync(dir).find((f) => f.endsWith('.tgz'))!,
        );
      })(),
    ]);
    env = setEnv;
  });
  after(async () => {
    await env?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a CommonJS project requires it and awaits a run; its CLI runs from the compiled build', async () => {
    const cjs = join(dir, 'cjs');
    await project(cjs, { name: 'scratch-cjs' }, tarball);
    // the tarball holds the compiled build and no TypeScript source
    const files = readdirSync(join(cjs, 'node_modules', 'integrador'));
    assert.ok(files.includes('dist') && !files.includes('src') && !files.includes('test'), files.join(','));
    writeFileSync(join(cjs, 'index.js'), CJS);
    const out = await ok(process.execPath, ['index.js'], cjs, { ADDRESS: env.config.temporal.address, TASK_QUEUE: env.taskQueue });
    const result = JSON.parse(out) as { success: boolean; integrations: Array<{ id: number; counts: Record<string, number> }> };
    assert.equal(result.success, true, out);
    assert.deepEqual(
      result.integrations.map((i) => [i.id, i.counts.gravado]),
      [[19, 1]],
    );
    const help = await ok('npx', ['--no-install', 'integrador', '--help'], cjs);
    assert.match(help, /serve/);
  });

  test("the installed package's worker runs compiled, from the prebuilt bundle, and completes a run", async () => {
    const cjs = join(dir, 'cjs');
    const installed = join(cjs, 'node_modules', 'integrador');
    assert.ok(readdirSync(join(installed, 'dist')).includes('workflow-bundle.js'));
    const taskQueue = `pack-${randomBytes(4).toString('hex')}`;
    const g5 = env.config.bases.demo!.connections.g5!;
    const configFile = join(cjs, 'integrador.yaml');
    writeFileSync(
      configFile,
      stringify({
        temporal: { address: env.config.temporal.address, taskQueue },
        bases: {
          demo: {
            database: env.config.bases.demo!.database,
            tokens: [{ sha256: createHash('sha256').update(TOKEN).digest('hex') }],
            connections: { g5: { type: 'WS', url: g5.type === 'WS' ? g5.url : '', args: { user: 'integrador', password: '${G5_PASSWORD}', encryption: 0 } } },
          },
        },
      }),
    );
    const worker = spawn(process.execPath, [join(installed, 'bin', 'integrador.js'), 'worker', '--config', configFile], {
      cwd: cjs,
      env: { ...process.env, G5_PASSWORD },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      await new Promise<void>((resolve, reject) => {
        const onData = (c: Buffer) => {
          output += c.toString();
          if (output.includes('worker polling')) resolve();
        };
        worker.stdout.on('data', onData);
        worker.stderr.on('data', onData);
        worker.once('exit', (code) => reject(new Error(`worker exited ${code}: ${output}`)));
      });
      // one process: bin/integrador.js loaded dist/ in place (no tsx child)
      const children = await runProcess('pgrep', ['-P', String(worker.pid)], cjs);
      assert.equal(children.stdout.trim(), '', 'no child process');
      const out = await ok(process.execPath, ['index.js'], cjs, { ADDRESS: env.config.temporal.address, TASK_QUEUE: taskQueue });
      assert.equal((JSON.parse(out) as { success: boolean }).success, true, out);
    } finally {
      const exited = new Promise((r) => worker.once('exit', r));
      worker.kill('SIGTERM');
      await exited;
    }
  });

  test('an ESM TypeScript project type-checks against its declarations, imports it and awaits a run', async () => {
    const esm = join(dir, 'esm');
    await project(esm, { name: 'scratch-esm', type: 'module' }, tarball);
    writeFileSync(join(esm, 'index.ts'), ESM_TS);
    writeFileSync(
      join(esm, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          skipLibCheck: true,
          typeRoots: [join(ROOT, 'node_modules', '@types')],
          types: ['node'],
        },
        files: ['index.ts'],
      }),
    );
    // strict: without the package's declarations this fails (implicit any module, unknown RunRequest)
    await ok(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], esm);
    const out = await ok(process.execPath, ['index.js'], esm, { ADDRESS: env.config.temporal.address, TASK_QUEUE: env.taskQueue });
    const result = JSON.parse(out) as { success: boolean; workflowId: string; expectedId: string };
    assert.equal(result.success, true, out);
    assert.equal(result.workflowId, result.expectedId);
  });
});
