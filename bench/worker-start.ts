// Worker start time and memory, before and after the build: the worker run from TypeScript through tsx,
// bundling the workflows at start (how production ran before `npm run build`), against the compiled
// worker in dist/ with and without the prebuilt bundle. Needs `npm run build` first.
// Usage: tsx bench/worker-start.ts [runs]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTemporalDevServer } from '../src/dev/temporal-dev-server';

const ROOT = join(__dirname, '..');
const BUNDLE = join(ROOT, 'dist', 'workflow-bundle.js');

function kib(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(field));
  return Number(line?.split(/\s+/)[1] ?? 0);
}

/** Starts a worker, waits for it to poll, and returns the time that took and its memory then. */
function measure(args: string[], config: string): Promise<{ ms: number; rssMiB: number; peakMiB: number }> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...args, 'worker', '--config', config], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let seen = false;
    const onData = (c: Buffer) => {
      out += c.toString();
      if (seen || !out.includes('worker polling')) return;
      seen = true;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // let the worker settle into polling before reading its memory
      setTimeout(() => {
        const rssMiB = kib(child.pid!, 'VmRSS:') / 1024;
        const peakMiB = kib(child.pid!, 'VmHWM:') / 1024;
        child.off('exit', early);
        child.kill('SIGTERM');
        child.once('exit', () => resolve({ ms, rssMiB, peakMiB }));
      }, 2000);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const early = (code: number | null) => reject(new Error(`worker exited ${code}: ${out}`));
    child.once('exit', early);
  });
}

async function main(): Promise<void> {
  if (!existsSync(BUNDLE)) throw new Error('run `npm run build` first');
  const runs = Number(process.argv[2] ?? 3);
  const temporal = await startTemporalDevServer();
  const dir = mkdtempSync(join(tmpdir(), 'integrador-bench-'));
  const config = join(dir, 'integrador.yaml');
  // the worker connects to the CRM only when an activity runs: any database URL will do here
  writeFileSync(
    config,
    `temporal: { address: "${temporal.address}" }\nbases:\n  demo:\n    database: postgres://u:p@127.0.0.1:1/crm\n    tokens: [{ sha256: "${'0'.repeat(64)}" }]\n`,
  );
  const modes: Array<[string, string[], boolean]> = [
    ['tsx, bundling at start (before)', ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts')], true],
    ['compiled, bundling at start', [join(ROOT, 'dist', 'src', 'cli', 'main.js')], false],
    ['compiled, prebuilt bundle (after)', [join(ROOT, 'dist', 'src', 'cli', 'main.js')], true],
  ];
  try {
    for (const [name, args, keepBundle] of modes) {
      if (!keepBundle) renameSync(BUNDLE, `${BUNDLE}.aside`);
      try {
        const results = [];
        for (let i = 0; i < runs; i++) results.push(await measure(args, config));
        const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
        console.log(
          `${name.padEnd(36)} start ${median(results.map((r) => r.ms))
            .toFixed(0)
            .padStart(6)} ms   RSS ${median(results.map((r) => r.rssMiB))
            .toFixed(0)
            .padStart(4)} MiB   peak RSS ${median(results.map((r) => r.peakMiB))
            .toFixed(0)
            .padStart(4)} MiB   (median of ${runs})`,
        );
      } finally {
        if (!keepBundle) renameSync(`${BUNDLE}.aside`, BUNDLE);
      }
    }
  } finally {
    await temporal.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
