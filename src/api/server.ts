// The API with a port: builds its clients once and closes them once.
import type { AppConfig } from '../config/types';
import { createCrmPools } from '../crm/pools';
import { createIntegradorClient } from '../temporal/client';
import { buildApp } from './app';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: AppConfig, opts: { port?: number; logger?: boolean | object } = {}): Promise<RunningServer> {
  const client = await createIntegradorClient(config.temporal);
  const crm = createCrmPools(config);
  const app = buildApp({ config, client, crm, logger: opts.logger });
  app.addHook('onClose', async () => {
    await crm.close();
    await client.close();
  });
  const port = opts.port ?? (process.env.PORT ? Number(process.env.PORT) : config.api.port);
  await app.listen({ host: config.api.host, port });
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return { url: `http://${config.api.host}:${actualPort}`, close: () => app.close() };
}
