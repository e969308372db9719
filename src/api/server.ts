// The API with a port: builds its clients once and closes them once. close() stops accepting connections,
// lets in-flight requests finish (a waiting /integrar included), then closes the clients.
import type { ConnectionLike } from '@temporalio/client';
import type { AppConfig } from '../config/types';
import { createCrmPools } from '../crm/pools';
import { createRunLogs } from '../logging/run-logs';
import { processMetrics } from '../metrics/metrics';
import { createIntegradorClient } from '../temporal/client';
import { buildApp } from './app';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export interface ServerOptions {
  port?: number;
  host?: string;
  logger?: boolean | object;
  /**
   * The connection of a worker running in this process (`serve` with its worker): the API's client shares
   * it and starts runs eagerly on that worker. The worker closes it, after the API has closed.
   */
  workerConnection?: ConnectionLike;
}

export async function startServer(config: AppConfig, opts: ServerOptions = {}): Promise<RunningServer> {
  const client = await createIntegradorClient(config.temporal, { workerConnection: opts.workerConnection });
  const crm = createCrmPools(config);
  const logs = createRunLogs(config);
  const app = buildApp({ config, client, crm, logger: opts.logger, logs, metrics: processMetrics() });
  app.addHook('onClose', async () => {
    await crm.close();
    await client.close();
    await logs.close();
  });
  const port = opts.port ?? (process.env.PORT ? Number(process.env.PORT) : config.api.port);
  const host = opts.host ?? process.env.HOST ?? config.api.host;
  await app.listen({ host, port });
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  let closing: Promise<void> | undefined;
  return { url: `http://${host}:${actualPort}`, close: () => (closing ??= app.close()) };
}
