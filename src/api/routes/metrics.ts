// GET /metrics: Prometheus text format. Unauthenticated like most exporters: keep the port internal.
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../metrics/metrics';

export function metricsRoutes(app: FastifyInstance, metrics: Metrics): void {
  app.get('/metrics', async (_req, reply) => {
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.addHook('onResponse', async (req, reply) => {
    metrics.httpRequests.inc({ route: req.routeOptions.url ?? 'unknown', status: String(reply.statusCode) });
  });
}
