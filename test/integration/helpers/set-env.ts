// A complete SET environment on real parts for one test file (test/helpers/test-env.ts): a fresh CRM
// database seeded with the demo, the G5-like SOAP receiver, a worker on its own task queue, and the API app.
import { randomBytes, createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { AppConfig } from '../../../src/config/types';
import type { ReceiverRegistry } from '../../../src/connectors/registry';
import type { CrmPools } from '../../../src/crm/pools';
import type { G5Receiver } from '../../../src/dev/g5-receiver';
import type { IntegradorClient } from '../../../src/temporal/client';
import type { RunningWorker, WorkerOverrides } from '../../../src/worker';
import { startTestEnv } from '../../helpers/test-env';

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
  /** More entries for bases.demo.tokens, after the test token (e.g. one limited to some companies). */
  tokens?: Array<Record<string, unknown>>;
  /** Builds the worker's receiver registry from the parsed config (e.g. with onSend or Retry-After bounds). */
  receivers?: (config: AppConfig) => ReceiverRegistry;
  /** More keys for the connection file's temporal section (e.g. uiUrl). */
  temporal?: Record<string, unknown>;
}

export async function startSetEnv(opts: SetEnvOptions = {}): Promise<SetEnv> {
  const env = await startTestEnv({
    receiver: { user: 'integrador', password: G5_PASSWORD },
    bases: (receiver) => ({
      demo: {
        databasePrefix: 'crm',
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
        seed: opts.seed,
      },
    }),
    temporal: opts.temporal,
    file: { api: { waitLimitMs: opts.waitLimitMs ?? 60_000 }, run: opts.run ?? { chunkSize: 100, maxChunksInFlight: 4 } },
    env: { ...process.env, TEST_G5_PASSWORD: G5_PASSWORD, ...opts.env },
    worker: (config) => {
      const receivers = opts.worker?.receivers ?? opts.receivers?.(config);
      return receivers ? { ...opts.worker, receivers } : (opts.worker ?? {});
    },
    app: {},
  });
  return { ...env, crm: env.crms.demo!, app: env.app!, worker: env.worker! };
}

export function integrar(env: SetEnv, query: Record<string, string | number>, headers: Record<string, string> = { TOKEN_CRM: TOKEN }) {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return env.app.inject({ method: 'GET', url: `/integrar?${qs}`, headers });
}
