// The attack suite's environment, on real parts: two CRM bases (`demo` and `demo-x`, each a fresh database
// migrated and seeded with the demo), the G5-like SOAP receiver, a raw HTTP receiver for malformed answers,
// a worker on its own task queue, and the API app (no port) whose log lines are captured. The connection
// file holds secrets the suite later looks for: the G5 password, an unused API bearer token, TOKEN_CRMs.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Pool } from 'pg';
import { buildApp } from '../../../src/api/app';
import { parseConfig } from '../../../src/config/load-config';
import type { AppConfig } from '../../../src/config/types';
import { migrate } from '../../../src/crm/migrate';
import { createCrmPools, type CrmPools } from '../../../src/crm/pools';
import { seedDemoCrm, seedDemoIntegration } from '../../../src/dev/demo-seed';
import { startG5Receiver, type G5Receiver } from '../../../src/dev/g5-receiver';
import { createIntegradorClient, type IntegradorClient } from '../../../src/temporal/client';
import { startWorker, type RunningWorker } from '../../../src/worker';
import { testServices } from '../../integration/helpers/services';
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

async function newCrm(url: string): Promise<Pool> {
  await migrate(url);
  const pool = new Pool({ connectionString: url, max: 3 });
  await seedDemoCrm(pool);
  await seedDemoIntegration(pool);
  return pool;
}

export async function startAttackEnv(): Promise<AttackEnv> {
  const services = await testServices();
  const [crmUrl, otherUrl] = [await services.newDatabase('atk'), await services.newDatabase('atkx')];
  const receiver = await startG5Receiver({ user: 'integrador', password: SECRETS.g5Password });
  const raw = await startRawG5();
  const taskQueue = `attack-${hex()}`;
  const logDir = mkdtempSync(join(tmpdir(), 'attack-logs-'));
  const g5Args = { user: 'integrador', password: '${ATK_G5_PASSWORD}', encryption: 0 };
  const config = parseConfig(
    JSON.stringify({
      temporal: { address: services.temporalAddress, taskQueue },
      api: { waitLimitMs: 90_000 },
      run: { chunkSize: 100, maxChunksInFlight: 2 },
      logs: { dir: logDir, level: 'debug' },
      bases: {
        demo: {
          database: crmUrl,
          tokens: [{ sha256: sha256(SECRETS.token) }, { sha256: sha256(SECRETS.tokenEmpresa1), empresas: [1] }],
          connections: {
            g5: { type: 'WS', url: receiver.baseUrl, args: g5Args, timeoutMs: 10_000 },
            g5raw: { type: 'WS', url: raw.baseUrl, args: g5Args, timeoutMs: 10_000 },
            g5slow: { type: 'WS', url: raw.baseUrl, args: g5Args, timeoutMs: 1500 },
            api: { type: 'API', url: 'http://127.0.0.1:9/', auth: { bearer: '${ATK_API_TOKEN}' } },
          },
        },
        [OTHER_BASE]: {
          database: otherUrl,
          tokens: [{ env: 'ATK_TOKEN_OUTRA' }],
          connections: { g5: { type: 'WS', url: receiver.baseUrl, args: g5Args, timeoutMs: 10_000 } },
        },
      },
    }),
    { ...process.env, ATK_G5_PASSWORD: SECRETS.g5Password, ATK_API_TOKEN: SECRETS.apiBearer, ATK_TOKEN_OUTRA: SECRETS.tokenOutra },
  );
  // checkToken reads env tokens from process.env at request time
  process.env.ATK_TOKEN_OUTRA = SECRETS.tokenOutra;
  const [crm, otherCrm] = [await newCrm(crmUrl), await newCrm(otherUrl)];
  await crm.query(`INSERT INTO integrador.conexao_integracao (id, tipo_conexao, nome_conexao) VALUES ($1, 'WS', 'g5raw'), ($2, 'WS', 'g5slow')`, [
    CONEXAO.raw,
    CONEXAO.rawSlow,
  ]);
  const worker = await startWorker(config);
  const client = await createIntegradorClient(config.temporal);
  const pools = createCrmPools(config);
  const logs: string[] = [];
  const app = buildApp({ config, client, crm: pools, logger: { level: 'trace', stream: { write: (line: string) => void logs.push(line) } } });
  return {
    config,
    crm,
    otherCrm,
    receiver,
    raw,
    client,
    app,
    worker,
    pools,
    taskQueue,
    logs,
    logDir,
    workflowIds: new Set(),
    async close() {
      await app.close();
      await worker.shutdown();
      await client.close();
      await pools.close();
      await crm.end();
      await otherCrm.end();
      await receiver.close();
      await raw.close();
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}
