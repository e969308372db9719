// Prometheus metrics (prom-client). One registry per process, so when the API and a worker share a
// process (`integrador serve`) GET /metrics shows both.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type RunOutcome = 'success' | 'failed' | 'error';

export interface Metrics {
  registry: Registry;
  /** SET runs finished, by outcome (success: every integration ok; failed: the result says why; error: the workflow itself failed). */
  runs: Counter<'base' | 'integracao' | 'outcome'>;
  /** Records of finished runs by final ledger status (gravado, enviado, erro, incerto). */
  records: Counter<'base' | 'integracao' | 'status'>;
  /** One receiver call per record, by connection; outcome ok or the error code. */
  sendSeconds: Histogram<'base' | 'connection' | 'type' | 'outcome'>;
  /** /integrar answers by HTTP status. */
  httpRequests: Counter<'route' | 'status'>;
}

export function createMetrics(registry: Registry = new Registry()): Metrics {
  return {
    registry,
    runs: new Counter({
      name: 'integrador_runs_total',
      help: 'SET runs finished, by outcome',
      labelNames: ['base', 'integracao', 'outcome'],
      registers: [registry],
    }),
    records: new Counter({
      name: 'integrador_records_total',
      help: 'records of finished SET runs, by final status',
      labelNames: ['base', 'integracao', 'status'],
      registers: [registry],
    }),
    sendSeconds: new Histogram({
      name: 'integrador_send_duration_seconds',
      help: 'time of one receiver call, by connection',
      labelNames: ['base', 'connection', 'type', 'outcome'],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'integrador_http_requests_total',
      help: 'HTTP answers of the API, by route and status',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
  };
}

let shared: Metrics | undefined;
/** The process's metrics, with Node's default ones (memory, event loop lag) on the same registry. */
export function processMetrics(): Metrics {
  if (!shared) {
    shared = createMetrics();
    collectDefaultMetrics({ register: shared.registry, prefix: 'integrador_' });
  }
  return shared;
}
