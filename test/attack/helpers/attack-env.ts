// The attack suite's environment, on real parts: two CRM bases (`demo` and `demo-x`, each a fresh database
// migrated and seeded with the demo), the G5-like SOAP receiver, a raw HTTP receiver for malformed answers,
// a worker on its own task queue, and the API app (no port) whose log lines are captured. The connection
// file holds secrets the suite later looks for: the G5 password, an unused API bearer token, TOKEN_CRMs.
// Built by test/helpers/test-env.ts, with the raw receiver and the log folder on top.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { AppConfig } from '../../../src/config/types';
import type { CrmPools } from '../../../src/crm/pools';
import type { G5Receiver } from '../../../src/dev/g5-receiver';
import type { IntegradorClient } from '../../../src/temporal/client';
import type { RunningWorker } from '../../../src/worker';
import { startTestEnv } from '../../helpers/test-env';
import { startRawG5, type RawG5 } from './raw-g5';

const hex = () => randomBytes(6).toString('hex');
export const SECRETS = {
  token: `tok-demo-${hex()}`,
  /** A token of base `demo` that may run empresa 1 only. */
  tokenEmpresa1: `tok-e1-${hex()}`,
  tokenOutra: `tok-outra-${hex()}`,
  g5Password: `g5-pw-${hex()}`,
  apiBearer: `bearer-${hex()}`,
} as const;

/** The second base: its name starts like `demo`'s workflow ids on purpose (`set-demo-…`). */
export const OTHER_BASE = 'demo-x';

/** conexao_integracao ids the suite adds next to the seed's 3 (g5). */
export const CONEXAO = { g5: 3, raw: 4, rawSlow: 5 } as const;

export interface AttackEnv {
  config: AppConfig;
  crm: Pool;
  otherCrm: Pool;
  receiver: G5Receiver;
  raw: RawG5;
  client: IntegradorClient;
  app: FastifyInstance;
  worker: RunningWorker;
  pools: CrmPools;
  taskQueue: string;
  /** Every line fastify logged (trace level). */
  logs: string[];
  /** config.logs.dir: the access and error logs per base and company. */
  logDir: string;
  /** Every workflow id an answer named, for the secrets check. */
  workflowIds: Set<string>;
  close(): Promise<void>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export async function startAttackEnv(): Promise<AttackEnv> {
  const raw = await startRawG5();
  const logDir = mkdtempSync(join(tmpdir(), 'attack-logs-'));
  const logs: string[] = [];
  const g5Args = { user: 'integrador', password: '${ATK_G5_PASSWORD}', encryption: 0 };
  // checkToken reads env tokens from process.env at request time
  process.env.ATK_TOKEN_OUTRA = SECRETS.tokenOutra;
  let env;
  try {
    env = await startTestEnv({
      receiver: { user: 'integrador', password: SECRETS.g5Password },
      taskQueuePrefix: 'attack',
      bases: (receiver) => ({
        demo: {
          databasePrefix: 'atk',
          tokens: [{ sha256: sha256(SECRETS.token) }, { sha256: sha256(SECRETS.tokenEmpresa1), empresas: [1] }],
          connections: {
            g5: { type: 'WS', url: receiver.baseUrl, args: g5Args, timeoutMs: 10_000 },
            g5raw: { type: 'WS', url: raw.baseUrl, args: g5Args, timeoutMs: 10_000 },
            g5slow: { type: 'WS', url: raw.baseUrl, args: g5Args, timeoutMs: 1500 },
            api: { type: 'API', url: 'http://127.0.0.1:9/', auth: { bearer: '${ATK_API_TOKEN}' } },
          },
          seed: async (crm) => {
            await crm.query(`INSERT INTO integrador.conexao_integracao (id, tipo_conexao, nome_conexao) VALUES ($1, 'WS', 'g5raw'), ($2, 'WS', 'g5slow')`, [
              CONEXAO.raw,
              CONEXAO.rawSlow,
            ]);
          },
        },
        [OTHER_BASE]: {
          databasePrefix: 'atkx',
          tokens: [{ env: 'ATK_TOKEN_OUTRA' }],
          connections: { g5: { type: 'WS', url: receiver.baseUrl, args: g5Args, timeoutMs: 10_000 } },
        },
      }),
      file: { api: { waitLimitMs: 90_000 }, run: { chunkSize: 100, maxChunksInFlight: 2 }, logs: { dir: logDir, level: 'debug' } },
      env: { ...process.env, ATK_G5_PASSWORD: SECRETS.g5Password, ATK_API_TOKEN: SECRETS.apiBearer, ATK_TOKEN_OUTRA: SECRETS.tokenOutra },
      worker: () => ({}),
      app: { logger: { level: 'trace', stream: { write: (line: string) => void logs.push(line) } } },
    });
  } catch (err) {
    await raw.close();
    rmSync(logDir, { recursive: true, force: true });
    throw err;
  }
  const started = env;
  return {
    ...started,
    crm: started.crms.demo!,
    otherCrm: started.crms[OTHER_BASE]!,
    app: started.app!,
    worker: started.worker!,
    raw,
    logs,
    logDir,
    workflowIds: new Set(),
    async close() {
      await started.close();
      await raw.close();
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}
