// The HTTP API (SPEC §9) as a fastify instance without a port, so tests inject requests.
// Routes live in routes/; this file wires them and maps errors to HTTP statuses in one place.
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppConfig } from '../config/types';
import type { CrmPools } from '../crm/pools';
import { ConfigError, RequestError, type RequestErrorKind } from '../errors';
import { createRunLogs, REDACT_PATHS, type RunLogs } from '../logging/run-logs';
import { processMetrics, type Metrics } from '../metrics/metrics';
import type { IntegradorClient } from '../temporal/client';
import { execucoesRoutes } from './routes/execucoes';
import { integrarRoutes } from './routes/integrar';
import { metricsRoutes } from './routes/metrics';
import { registrosRoutes } from './routes/registros';
import { saudeRoutes } from './routes/saude';
import { factsOf, requestFacts } from './routes/shared';

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

const STATUS: Record<RequestErrorKind, number> = { bad_request: 400, unauthorized: 401, forbidden: 403, not_found: 404 };

export function buildApp(deps: AppDeps): FastifyInstance {
  const { config } = deps;
  const logs = deps.logs ?? createRunLogs(config);
  const metrics = deps.metrics ?? processMetrics();
  // the request line is logged without its query string: parameters may carry personal data or a token
  const serializers = { req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?')[0] }) };
  const logger =
    deps.logger === undefined || deps.logger === false ? false : { ...(typeof deps.logger === 'object' ? deps.logger : {}), redact: REDACT_PATHS, serializers };
  const app = Fastify({ logger, bodyLimit: 1024 * 1024 });
  app.register(formbody);
  if (!deps.logs) app.addHook('onClose', () => logs.close());

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const facts = requestFacts.get(req) ?? factsOf({ ...((req.query as Record<string, unknown>) ?? {}) });
    const where = {
      method: req.method,
      path: req.routeOptions.url ?? req.url.split('?')[0],
      integracao: facts.integracao,
      workflowId: facts.workflowId ?? null,
    };
    if (err instanceof RequestError) {
      logs.error(facts).warn({ ...where, status: STATUS[err.kind], code: err.code, parameter: err.parameter }, err.message);
      return reply.status(STATUS[err.kind]).send({ success: false, message: err.message, parameter: err.parameter });
    }
    if (err instanceof ConfigError) {
      logs.error(facts).error({ ...where, status: 422, code: err.code, issues: err.issues }, err.message);
      return reply.status(422).send({ success: false, message: err.message, issues: err.issues });
    }
    if (err.statusCode && err.statusCode < 500) {
      logs.error(facts).warn({ ...where, status: err.statusCode, err }, err.message);
      return reply.status(err.statusCode).send({ success: false, message: err.message });
    }
    logs.error(facts).error({ ...where, status: 500, err }, `unexpected error: ${err.message}`);
    return reply.status(500).send({ success: false, message: 'internal error; see the error log' });
  });

  metricsRoutes(app, metrics);
  integrarRoutes(app, { config, client: deps.client, crm: deps.crm, logs });
  execucoesRoutes(app, deps);
  registrosRoutes(app, deps);
  saudeRoutes(app, deps);
  return app;
}
