// `integrador dev`: everything on embedded defaults. PostgreSQL with the demo CRM, the Temporal dev server
// with its Web UI, the G5-like SOAP receiver, a worker and the API. Data survives restarts in .data/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { loadConfig } from '../config/load-config';
import type { AppConfig } from '../config/types';
import { migrate } from '../crm/migrate';
import { createCrmPools } from '../crm/pools';
import { startServer, type RunningServer } from '../api/server';
import { startWorker, type RunningWorker } from '../worker';
import { DEFAULT_TASK_QUEUE } from '../config/schema';
import { seedDemoChain, seedDemoCrm, seedDemoIntegration } from './demo-seed';
import { startEmbeddedPostgres, type EmbeddedPg } from './embedded-postgres';
import { portOr } from './free-port';
import { startG5Receiver, type G5Receiver } from './g5-receiver';
import { startTemporalDevServer, type TemporalDevServer } from './temporal-dev-server';

export const DEMO_TOKEN = 'demo-token';
const DEMO_G5_USER = 'integrador';
const DEMO_G5_PASSWORD = 'senha-demo-g5';

export interface DevEnvironment {
  config: AppConfig;
  configPath: string;
  apiUrl: string;
  uiUrl?: string;
  receiver: G5Receiver;
  crmUrl: string;
  stop(): Promise<void>;
}

export async function startDevEnvironment(opts: { dataDir?: string; apiPort?: number; log?: (line: string) => void } = {}): Promise<DevEnvironment> {
  const log = opts.log ?? (() => undefined);
  const dataDir = resolve(opts.dataDir ?? join(__dirname, '..', '..', '.data'));
  mkdirSync(dataDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => undefined);
  };
  try {
    log('starting embedded PostgreSQL, Temporal dev server and the G5 demo receiver…');
    // wait for all three, so that when one fails the others are up (and stopped) rather than left running
    const [pgStart, temporalStart, receiverStart] = await Promise.allSettled([
      startEmbeddedPostgres({ dir: join(dataDir, 'pg') }),
      startTemporalDevServer({ ui: true, port: await portOr(7233), uiPort: await portOr(8233), dbFile: join(dataDir, 'temporal.db') }),
      startG5Receiver({ user: DEMO_G5_USER, password: DEMO_G5_PASSWORD }),
    ]);
    if (pgStart.status === 'fulfilled') stops.push(() => pgStart.value.stop());
    if (temporalStart.status === 'fulfilled') stops.push(() => temporalStart.value.stop());
    if (receiverStart.status === 'fulfilled') stops.push(() => receiverStart.value.close());
    for (const s of [pgStart, temporalStart, receiverStart]) if (s.status === 'rejected') throw s.reason;
    const pg = (pgStart as PromiseFulfilledResult<EmbeddedPg>).value;
    const temporal = (temporalStart as PromiseFulfilledResult<TemporalDevServer>).value;
    const receiver = (receiverStart as PromiseFulfilledResult<G5Receiver>).value;
    const crmUrl = await pg.createDatabase('crm_demo');

    const configPath = join(dataDir, 'integrador.dev.yaml');
    const apiPort = opts.apiPort ?? Number(process.env.PORT ?? 3000);
    writeFileSync(
      configPath,
      `# Written by \`integrador dev\`; every other command takes it with --config.\n` +
        stringify({
          temporal: {
            address: temporal.address,
            namespace: temporal.namespace,
            taskQueue: DEFAULT_TASK_QUEUE,
            ...(temporal.uiUrl ? { uiUrl: temporal.uiUrl } : {}),
          },
          api: { port: apiPort, host: '127.0.0.1', waitLimitMs: 60000 },
          bases: {
            demo: {
              database: crmUrl,
              tokens: [{ sha256: createHash('sha256').update(DEMO_TOKEN).digest('hex') }],
              connections: {
                g5: {
                  type: 'WS',
                  url: receiver.baseUrl,
                  // the demo receiver's own local secret, written as is so the printed file works from any terminal
                  args: { user: DEMO_G5_USER, password: DEMO_G5_PASSWORD, encryption: 0 },
                  timeoutMs: 30000,
                  concurrency: 4,
                },
              },
            },
          },
        }),
    );
    const config = loadConfig(configPath);

    await migrate(crmUrl);
    const crm = createCrmPools(config);
    try {
      await seedDemoCrm(crm.pool('demo'));
      await seedDemoIntegration(crm.pool('demo'));
      await seedDemoChain(crm.pool('demo'));
    } finally {
      await crm.close();
    }

    const worker: RunningWorker = await startWorker(config);
    stops.push(() => worker.shutdown());
    const server: RunningServer = await startServer(config);
    stops.push(() => server.close());
    return { config, configPath, apiUrl: server.url, uiUrl: temporal.uiUrl, receiver, crmUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
