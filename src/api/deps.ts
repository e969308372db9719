// What the API is built from; app.ts wires it, each route takes the part it needs.
import type { AppConfig } from '../config/types';
import type { CrmPools } from '../crm/pools';
import type { RunLogs } from '../logging/run-logs';
import type { Metrics } from '../metrics/metrics';
import type { IntegradorClient } from '../temporal/client';

export interface AppDeps {
  config: AppConfig;
  client: IntegradorClient;
  crm: CrmPools;
  /** fastify's own request log (stdout); the access and error logs are `logs`. */
  logger?: boolean | object;
  /** Access and error logs per base and company; built from config.logs when absent (and closed with the app). */
  logs?: RunLogs;
  metrics?: Metrics;
}
