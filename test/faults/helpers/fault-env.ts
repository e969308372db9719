// A SET environment for fault tests: a CRM database with many accounts and integration 21, the G5-like
// receiver, a connection file on disk (for a worker in its own process), and a Temporal client.
// Workers are started by the tests, in this process or as `node bin/integrador.js worker --config F`.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { Pool } from 'pg';
import { stringify } from 'yaml';
import { parseConfig } from '../../../src/config/load-config';
import type { AppConfig } from '../../../src/config/types';
import { migrate } from '../../../src/crm/migrate';
import { seedDemoCrm, seedDemoIntegration } from '../../../src/dev/demo-seed';
import { startG5Receiver, type G5Receiver } from '../../../src/dev/g5-receiver';
import type { RunRequest, RunResult } from '../../../src/plan/types';
import { SET_RUN_WORKFLOW } from '../../../src/temporal/constants';
import { createIntegradorClient, type IntegradorClient } from '../../../src/temporal/client';
import { testServices } from '../../integration/helpers/services';
import { addAccounts, addBatchIntegration, BATCH_INTEGRATION } from './accounts';

const ROOT = resolve(__dirname, '..', '..', '..');

export interface FaultEnv {
  config: AppConfig;
  configFile: string;
  crm: Pool;
  receiver: G5Receiver;
  client: IntegradorClient;
  accounts: { first: number; last: number };
  /** Starts integration 21 over every added account. */
  startRun(): Promise<WorkflowHandle>;
  close(): Promise<void>;
}

export interface FaultEnvOptions {
  records: number;
  temporalAddress?: string;
  connection?: Record<string, unknown>;
  run?: { chunkSize: number; maxChunksInFlight: number };
}

export async function startFaultEnv(opts: FaultEnvOptions): Promise<FaultEnv> {
  const services = await testServices();
  const crmUrl = await services.newDatabase('faults');
  await migrate(crmUrl);
  const crm = new Pool({ connectionString: crmUrl, max: 3 });
  await seedDemoCrm(crm);
  await seedDemoIntegration(crm);
  await addBatchIntegration(crm);
  const accounts = await addAccounts(crm, opts.records);
  const receiver = await startG5Receiver({ password: 'fault-secret' });
  const raw = {
    temporal: { address: opts.temporalAddress ?? services.temporalAddress, taskQueue: `faults-${randomBytes(6).toString('hex')}` },
    run: opts.run ?? { chunkSize: 50, maxChunksInFlight: 4 },
    logs: { level: 'error' },
    bases: {
      demo: {
        database: crmUrl,
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
      },
    },
  };
  const dir = mkdtempSync(join(tmpdir(), 'integrador-faults-'));
  const configFile = join(dir, 'integrador.yaml');
  writeFileSync(configFile, stringify(raw));
  const config = parseConfig(JSON.stringify(raw), {});
  const client = await createIntegradorClient(config.temporal);
  const request: RunRequest = {
    base: 'demo',
    empresaId: 1,
    empresaFilialId: null,
    integracaoId: BATCH_INTEGRATION,
    params: { de: String(accounts.first), ate: String(accounts.last) },
  };
  return {
    config,
    configFile,
    crm,
    receiver,
    client,
    accounts,
    startRun: () =>
      client.temporal.workflow.start(SET_RUN_WORKFLOW, {
        taskQueue: config.temporal.taskQueue,
        workflowId: `set-demo-1-${BATCH_INTEGRATION}-fault-${randomBytes(6).toString('hex')}`,
        args: [request],
      }),
    async close() {
      await client.close();
      await crm.end();
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    },
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
