// A SET environment for fault tests: a CRM database with many accounts and integration 21, the G5-like
// receiver, a connection file on disk (for a worker in its own process), and a Temporal client.
// Workers are started by the tests, in this process or as `node bin/integrador.js worker --config F`.
// Built by test/helpers/test-env.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { Pool } from 'pg';
import type { AppConfig } from '../../../src/config/types';
import type { G5Receiver } from '../../../src/dev/g5-receiver';
import type { RunRequest, RunResult } from '../../../src/plan/types';
import { SET_RUN_WORKFLOW } from '../../../src/temporal/constants';
import type { IntegradorClient } from '../../../src/temporal/client';
import { startTestEnv } from '../../helpers/test-env';
import { addAccounts, addBatchIntegration, BATCH_INTEGRATION } from './accounts';

const ROOT = resolve(__dirname, '..', '..', '..');

export interface FaultEnv {
  config: AppConfig;
  configFile: string;
  crm: Pool;
  receiver: G5Receiver;
  client: IntegradorClient;
  accounts: { first: number; last: number };
  /** Starts integration 21 over every added account, or over accounts `de`..`ate` (one: a button's run). */
  startRun(range?: { de: number; ate: number }): Promise<WorkflowHandle>;
  close(): Promise<void>;
}

export interface FaultEnvOptions {
  records: number;
  temporalAddress?: string;
  connection?: Record<string, unknown>;
  /** The file's `run` section; keys left out take the schema's defaults (none given: chunks of 50, 4 in flight). */
  run?: { chunkSize?: number; maxChunksInFlight?: number; laterChunkSize?: number; chunksPerWorker?: number };
}

export async function startFaultEnv(opts: FaultEnvOptions): Promise<FaultEnv> {
  let accounts = { first: 0, last: 0 };
  const env = await startTestEnv({
    receiver: { password: 'fault-secret' },
    taskQueuePrefix: 'faults',
    temporalAddress: opts.temporalAddress,
    bases: (receiver) => ({
      demo: {
        databasePrefix: 'faults',
        tokens: [{ sha256: 'a'.repeat(64) }],
        connections: {
          g5: {
            type: 'WS',
            url: receiver.baseUrl,
            args: { user: 'integrador', password: 'fault-secret', encryption: 0 },
            timeoutMs: 10_000,
            concurrency: 8,
            ...opts.connection,
          },
        },
        seed: async (crm) => {
          await addBatchIntegration(crm);
          accounts = await addAccounts(crm, opts.records);
        },
      },
    }),
    file: { run: opts.run ?? { chunkSize: 50, maxChunksInFlight: 4, laterChunkSize: 50 }, logs: { level: 'error' } },
    env: {},
    writeFile: true,
  });
  const { config, client } = env;
  const request: RunRequest = {
    base: 'demo',
    empresaId: 1,
    empresaFilialId: null,
    integracaoId: BATCH_INTEGRATION,
    params: { de: String(accounts.first), ate: String(accounts.last) },
  };
  return {
    config,
    configFile: env.configFile!,
    crm: env.crms.demo!,
    receiver: env.receiver,
    client,
    accounts,
    startRun: (range) =>
      client.temporal.workflow.start(SET_RUN_WORKFLOW, {
        taskQueue: config.temporal.taskQueue,
        workflowId: `set-demo-1-${BATCH_INTEGRATION}-fault-${randomBytes(6).toString('hex')}`,
        args: [range ? { ...request, params: { de: String(range.de), ate: String(range.ate) } } : request],
      }),
    close: env.close,
  };
}

/** Polls `check` every 100 ms until it is true; fails after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The run's result, asked again while Temporal is unreachable (a restart), until `timeoutMs`. */
export async function resultOf(handle: WorkflowHandle, timeoutMs: number): Promise<RunResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return (await handle.result()) as RunResult;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export interface WorkerProcess {
  pid: number;
  /** The last lines it printed, for a failure message. */
  output(): string;
  /** SIGKILL to the whole process group (the bin wrapper and the CLI it runs). */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 15 s. */
  stop(): Promise<void>;
}

/** `node bin/integrador.js worker --config F` in its own process group; resolves once it polls. */
export async function spawnWorker(configFile: string, readyTimeoutMs = 90_000): Promise<WorkerProcess> {
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin', 'integrador.js'), 'worker', '--config', configFile], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 40));
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let gone = false;
  void exited.then(() => (gone = true));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // already gone
    }
  };
  const worker: WorkerProcess = {
    pid: child.pid!,
    output: () => lines.join('\n'),
    async kill() {
      signal('SIGKILL');
      await exited;
    },
    async stop() {
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await waitFor(
      'the worker to poll',
      () => {
        if (gone) throw new Error(`worker exited before polling:\n${worker.output()}`);
        return lines.some((l) => l.includes('worker polling'));
      },
      readyTimeoutMs,
    );
  } catch (err) {
    await worker.kill();
    throw err;
  }
  return worker;
}
