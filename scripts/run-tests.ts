// The test command: starts one embedded PostgreSQL and one Temporal dev server for the integration and
// replay suites, runs every test file with node's test runner, and stops what it started.
// Usage: npm test [-- <file or folder>...]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startEmbeddedPostgres } from '../src/dev/embedded-postgres';
import { startTemporalDevServer } from '../src/dev/temporal-dev-server';

function testFiles(path: string): string[] {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => {
      const child = join(path, name);
      if (statSync(child).isDirectory()) return testFiles(child);
      return name.endsWith('.test.ts') ? [child] : [];
    });
}

async function main(): Promise<number> {
  const root = join(__dirname, '..');
  const targets = process.argv.slice(2);
  const files = (targets.length ? targets : [join(root, 'test')]).flatMap(testFiles).map((f) => relative(root, f));
  const needsServices = files.some((f) => !f.startsWith(join('test', 'unit')));
  const env: NodeJS.ProcessEnv = { ...process.env };
  const stops: Array<() => Promise<void>> = [];
  try {
    if (needsServices) {
      const [pg, temporal] = await Promise.all([startEmbeddedPostgres(), startTemporalDevServer()]);
      stops.push(
        () => pg.stop(),
        () => temporal.stop(),
      );
      env.INTEGRADOR_TEST_PG_URL = pg.url;
      env.INTEGRADOR_TEST_TEMPORAL_ADDRESS = temporal.address;
    }
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-timeout=300000', ...files], {
      cwd: root,
      env,
      stdio: 'inherit',
    });
    return await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
