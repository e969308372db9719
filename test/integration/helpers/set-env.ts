// A complete SET environment on real parts for one test file: a fresh CRM database (migrated and seeded
// with the demo), the G5-like SOAP receiver, a worker on its own task queue, and the API app (no port).
import { randomBytes, createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Pool } from 'pg';
import { buildApp } from '../../../src/api/app';
import { parseConfig } from '../../../src/config/load-config';
import type { AppConfig } from '../../../src/config/types';
import type { ReceiverRegistry } from '../../../src/connectors/registry';
import { migrate } from '../../../src/crm/migrate';
import { createCrmPools, type CrmPools } from '../../../src/crm/pools';
import { seedDemoCrm, seedDemoIntegration } from '../../../src/dev/demo-seed';
import { startG5Receiver, type G5Receiver } from '../../../src/dev/g5-receiver';
import { createIntegradorClient, type IntegradorClient } from '../../../src/temporal/client';
import { startWorker, type RunningWorker, type WorkerOverrides } from '../../../src/worker';
import { testServices } from './services';

export const TOKEN = 'test-token-' + randomBytes(4).toString('hex');
export const G5_PASSWORD = 'g5-secret-' + randomBytes(4).toString('hex');

export interface SetEnv {
  config: AppConfig;
  crm: Pool;
  receiver: G5Receiver;
  client: IntegradorClient;
  app: FastifyInstance;
  worker: RunningWorker;
  pools: CrmPools;
  taskQueue: string;
  close(): Promise<void>;
}

export interface SetEnvOptions {
  connection?: Record<string, unknown>;
  run?: Record<string, unknown>;
  waitLimitMs?: number;
  worker?: WorkerOverrides;
  /** More entries for bases.demo.connections, next to g5. */
  connections?: Record<string, Record<string, unknown>>;
  /** More environment variables for `${NAME}` in the connection file. */
  env?: Record<string, string>;
  /** Runs after the demo seed, on the CRM database (e.g. more integrations). */
  seed?: (crm: Pool) => Promise<void>;
  /** More TOKEN_CRM rules for bases.demo, after the default one (TOKEN, `token 1`). */
  tokens?: Array<Record<string, unknown>>;
  /** Builds the worker's receiver registry from the parsed config (e.g. with onSend or Retry-After bounds). */
  receivers?: (config: AppConfig) => ReceiverRegistry;
}

export async function startSetEnv(opts: SetEnvOptions = {}): Promise<SetEnv> {
  const services = await testServices();
  const crmUrl = await services.newDatabase('crm');
  const receiver = await startG5Receiver({ user: 'integrador', password: G5_PASSWORD });
  const taskQueue = `test-${randomBytes(6).toString('hex')}`;
  const config = parseConfig(
    JSON.stringify({
      temporal: { address: services.temporalAddress, taskQueue },
      api: { waitLimitMs: opts.waitLimitMs ?? 60_000 },
      run: opts.run ?? { chunkSize: 100, maxChunksInFlight: 4 },
      bases: {
        demo: {
          database: crmUrl,
          tokens: [{ sha256: createHash('sha256').update(TOKEN).digest('hex') }, ...(opts.tokens ?? [])],
          connections: {
            g5: {
              type: 'WS',
              url: receiver.baseUrl,
              args: { user: 'integrador', password: '${TEST_G5_PASSWORD}', encryption: 0 },
              timeoutMs: 5000,
              ...opts.connection,
            },
            ...opts.connections,
          },
        },
      },
    }),
    { ...process.env, TEST_G5_PASSWORD: G5_PASSWORD, ...opts.env },
  );
  await migrate(crmUrl);
  const crm = new Pool({ connectionString: crmUrl, max: 3 });
  await seedDemoCrm(crm);
  await seedDemoIntegration(crm);
  await opts.seed?.(crm);
  const receivers = opts.worker?.receivers ?? opts.receivers?.(config);
  const worker = await startWorker(config, receivers ? { ...opts.worker, receivers } : opts.worker);
  const client = await createIntegradorClient(config.temporal);
  const pools = createCrmPools(config);
  const app = buildApp({ config, client, crm: pools });
  return {
    config,
    crm,
    receiver,
    client,
    app,
    worker,
    pools,
    taskQueue,
    async close() {
      await app.close();
      await worker.shutdown();
      await client.close();
      await pools.close();
      await crm.end();
      await receiver.close();
    },
  };
}

export function integrar(env: SetEnv, query: Record<string, string | number>, headers: Record<string, string> = { TOKEN_CRM: TOKEN }) {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return env.app.inject({ method: 'GET', url: `/integrar?${qs}`, headers });
}
