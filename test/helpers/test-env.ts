// One environment builder for the integration, attack and fault tests, on real parts: a fresh CRM database
// per base (migrated, seeded with the demo, then the test's own seed), the G5-like SOAP receiver, a
// connection file (parsed, and on disk when a worker runs in another process), a Temporal client on a
// task queue of its own, and, when asked, a worker in this process and the API app (no port).
// close() stops everything it started, the last started first.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Pool } from 'pg';
import { stringify } from 'yaml';
import { buildApp } from '../../src/api/app';
import { parseConfig } from '../../src/config/load-config';
import type { AppConfig } from '../../src/config/types';
import { migrate } from '../../src/crm/migrate';
import { createCrmPools, type CrmPools } from '../../src/crm/pools';
import { seedDemoCrm, seedDemoIntegration } from '../../src/dev/demo-seed';
import { startG5Receiver, type G5Receiver } from '../../src/dev/g5-receiver';
import { createIntegradorClient, type IntegradorClient } from '../../src/temporal/client';
import { startWorker, type RunningWorker, type WorkerOverrides } from '../../src/worker';
import { testServices } from './services';

/** One base of the connection file; its database is created fresh. */
export interface TestBase {
  /** Prefix of the database's name. */
  databasePrefix: string;
  tokens: Array<Record<string, unknown>>;
  connections: Record<string, Record<string, unknown>>;
  /** Runs on the base's CRM after the demo seed (integrations 19 and 20). */
  seed?: (crm: Pool) => Promise<void>;
}

export interface TestEnvOptions {
  /** G5 receiver credentials (and behaviour). */
  receiver: Parameters<typeof startG5Receiver>[0];
  /** The bases by name, built once the receiver's URL is known. */
  bases: (receiver: G5Receiver) => Record<string, TestBase>;
  /** The connection file's other sections (api, run, logs). */
  file?: Record<string, unknown>;
  /** More keys for the file's temporal section (e.g. uiUrl). */
  temporal?: Record<string, unknown>;
  /** Environment for `${NAME}` in the file. */
  env?: NodeJS.ProcessEnv;
  taskQueuePrefix?: string;
  /** Another Temporal server than the shared one (a test that restarts its own). */
  temporalAddress?: string;
  /** Also write the file to disk (`configFile`), for a worker in another process. */
  writeFile?: boolean;
  /** A worker in this process, started once the CRMs are seeded. Absent: the test starts its own. */
  worker?: (config: AppConfig) => WorkerOverrides;
  /** The API app (no port), with fastify's logger when given. */
  app?: { logger?: boolean | object };
}

export interface TestEnv {
  config: AppConfig;
  /** The connection file on disk, when `writeFile`. */
  configFile: string | undefined;
  /** A pool on each base's CRM database, by base name. */
  crms: Record<string, Pool>;
  receiver: G5Receiver;
  client: IntegradorClient;
  pools: CrmPools;
  taskQueue: string;
  worker: RunningWorker | undefined;
  app: FastifyInstance | undefined;
  close(): Promise<void>;
}

export async function startTestEnv(opts: TestEnvOptions): Promise<TestEnv> {
  const services = await testServices();
  const stops: Array<() => Promise<void> | void> = [];
  const started = <T>(value: T, stop: (value: T) => Promise<void> | void): T => {
    stops.unshift(() => stop(value));
    return value;
  };
  const close = async () => {
    for (const stop of stops.splice(0)) await stop();
  };
  try {
    const receiver = started(await startG5Receiver(opts.receiver), (r) => r.close());
    const taskQueue = `${opts.taskQueuePrefix ?? 'test'}-${randomBytes(6).toString('hex')}`;
    const bases = opts.bases(receiver);
    const urls: Record<string, string> = {};
    for (const [name, base] of Object.entries(bases)) urls[name] = await services.newDatabase(base.databasePrefix);
    const raw = {
      temporal: { address: opts.temporalAddress ?? services.temporalAddress, taskQueue, ...opts.temporal },
      ...opts.file,
      bases: Object.fromEntries(
        Object.entries(bases).map(([name, base]) => [name, { database: urls[name], tokens: base.tokens, connections: base.connections }]),
      ),
    };
    const config = parseConfig(JSON.stringify(raw), opts.env ?? process.env);
    let configFile: string | undefined;
    if (opts.writeFile) {
      const dir = started(mkdtempSync(join(tmpdir(), 'integrador-test-')), (d) => rmSync(d, { recursive: true, force: true }));
      configFile = join(dir, 'integrador.yaml');
      writeFileSync(configFile, stringify(raw));
    }
    const crms: Record<string, Pool> = {};
    for (const [name, base] of Object.entries(bases)) {
      await migrate(urls[name]!);
      const crm = started(new Pool({ connectionString: urls[name], max: 3 }), (p) => p.end());
      await seedDemoCrm(crm);
      await seedDemoIntegration(crm);
      await base.seed?.(crm);
      crms[name] = crm;
    }
    const worker = opts.worker ? started(await startWorker(config, opts.worker(config)), (w) => w.shutdown()) : undefined;
    const client = started(await createIntegradorClient(config.temporal), (c) => c.close());
    const pools = started(createCrmPools(config), (p) => p.close());
    const app = opts.app ? started(buildApp({ config, client, crm: pools, logger: opts.app.logger }), (a) => a.close()) : undefined;
    return { config, configFile, crms, receiver, client, pools, taskQueue, worker, app, close };
  } catch (err) {
    await close();
    throw err;
  }
}
