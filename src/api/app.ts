// The HTTP API (SPEC §9) as a fastify instance without a port, so tests inject requests.
// Routes live in routes/; this file wires them and maps errors to HTTP statuses in one place.
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { ConfigError, RequestError } from '../errors';
import { createRunLogs, REDACT_PATHS } from '../logging/run-logs';
import { processMetrics } from '../metrics/metrics';
import type { AppDeps } from './deps';
import { CONFIG_ERROR_STATUS, REQUEST_ERROR_STATUS } from './http-status';
import { consolePlugin } from '../console';
import { execucoesRoutes } from './routes/execucoes';
import { integrarRoutes } from './routes/integrar';
import { metricsRoutes } from './routes/metrics';
import { pendenciasRoutes } from './routes/pendencias';
import { previaRoutes } from './routes/previa';
import { registrosRoutes } from './routes/registros';
import { saudeRoutes } from './routes/saude';
import { factsOf, requestFacts } from './routes/shared';

export type { AppDeps };

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
      logs.error(facts).warn({ ...where, status: REQUEST_ERROR_STATUS[err.kind], code: err.code, parameter: err.parameter }, err.message);
      return reply.status(REQUEST_ERROR_STATUS[err.kind]).send({ success: false, message: err.message, parameter: err.parameter });
    }
    if (err instanceof ConfigError) {
      logs.error(facts).error({ ...where, status: CONFIG_ERROR_STATUS, code: err.code, issues: err.issues }, err.message);
      return reply.status(CONFIG_ERROR_STATUS).send({ success: false, message: err.message, issues: err.issues });
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
  [pendenciasRoutes, previaRoutes].forEach((routes) => routes(app, { ...deps, logs }));
  app.register(consolePlugin, { prefix: '/console', config, client: deps.client, crm: deps.crm });
  return app;
}
