// The HTTP API (SPEC §9) as a fastify instance without a port, so tests inject requests.
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/types';
import { readConfigRows } from '../crm/config-repository';
import type { CrmPools } from '../crm/pools';
import { ConfigError, RequestError, type RequestErrorKind } from '../errors';
import { recordsOfWorkflow } from '../ledger/ledger';
import { buildPlan } from '../plan/build-plan';
import type { RunResult } from '../plan/types';
import { EMPRESA_KEY, type IntegradorClient } from '../temporal/client';
import { checkToken } from './auth';
import { httpStatusOf, runAnswer } from './run-answer';
import { toRunRequest } from './run-request';

export interface AppDeps {
  config: AppConfig;
  client: IntegradorClient;
  crm: CrmPools;
  logger?: boolean | object;
}

const STATUS: Record<RequestErrorKind, number> = { bad_request: 400, unauthorized: 401, forbidden: 403, not_found: 404 };
const TOKEN_HEADER = 'token_crm';

function tokenOf(req: FastifyRequest): string | undefined {
  const value = req.headers[TOKEN_HEADER];
  return Array.isArray(value) ? value[0] : value;
}

function baseOf(config: AppConfig, name: string) {
  const base = Object.prototype.hasOwnProperty.call(config.bases, name) ? config.bases[name] : undefined;
  if (!base) throw new RequestError('not_found', `unknown base_crm ${name}`, 'base_crm');
  return base;
}

export function buildApp(deps: AppDeps): FastifyInstance {
  const { config, client, crm } = deps;
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: 1024 * 1024,
  });
  app.register(formbody);

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    if (err instanceof RequestError) {
      return reply.status(STATUS[err.kind]).send({ success: false, message: err.message, parameter: err.parameter });
    }
    if (err instanceof ConfigError) {
      return reply.status(422).send({ success: false, message: err.message, issues: err.issues });
    }
    if (err.statusCode && err.statusCode < 500) {
      return reply.status(err.statusCode).send({ success: false, message: err.message });
    }
    req.log.error({ err }, 'unexpected error');
    return reply.status(500).send({ success: false, message: 'internal error; see the error log' });
  });

  const integrar = async (req: FastifyRequest, reply: FastifyReply) => {
    const input = { ...(req.query as Record<string, unknown>), ...((req.body as Record<string, unknown>) ?? {}) };
    const token = tokenOf(req);
    if (!token) throw new RequestError('unauthorized', 'missing TOKEN_CRM header', 'TOKEN_CRM');
    const { request, wait } = toRunRequest(input);
    const base = baseOf(config, request.base);
    checkToken(base, token, request.empresaId);
    // refuse a request the run would refuse, before a workflow exists (same messages as loadPlan)
    buildPlan(await readConfigRows(crm.pool(request.base)), request, base, config.run);
    const handle = await client.start(request);
    if (!wait) return reply.status(202).send({ success: true, message: 'started', workflowId: handle.workflowId });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), config.api.waitLimitMs)));
    const outcome = await Promise.race([handle.result() as Promise<RunResult>, timeout]).finally(() => clearTimeout(timer));
    if (outcome === 'timeout') {
      return reply.status(504).send({ success: false, message: `still running after ${config.api.waitLimitMs} ms; follow it at /execucoes/${handle.workflowId}`, workflowId: handle.workflowId });
    }
    const records = await recordsOfWorkflow(crm.pool(request.base), handle.workflowId);
    return reply.status(httpStatusOf(outcome, records)).send(runAnswer(outcome, records));
  };
  for (const path of ['/integrar', '/integrar.php', '/Integrador/integrar.php']) {
    app.route({ method: ['GET', 'POST'], url: path, handler: integrar });
  }

  app.get<{ Params: { workflowId: string }; Querystring: { base_crm?: string } }>('/execucoes/:workflowId', async (req, reply) => {
    const token = tokenOf(req);
    if (!token) throw new RequestError('unauthorized', 'missing TOKEN_CRM header', 'TOKEN_CRM');
    const baseName = req.query.base_crm;
    if (!baseName) throw new RequestError('bad_request', 'missing parameter base_crm', 'base_crm');
    const base = baseOf(config, baseName);
    const { workflowId } = req.params;
    if (!workflowId.startsWith(`set-${baseName}-`)) throw new RequestError('not_found', `no run ${workflowId} in base ${baseName}`, 'workflowId');
    const handle = client.handle(workflowId);
    let description;
    try {
      description = await handle.describe();
    } catch {
      throw new RequestError('not_found', `no run ${workflowId} in base ${baseName}`, 'workflowId');
    }
    checkToken(base, token, description.typedSearchAttributes.get(EMPRESA_KEY) ?? null);
    const records = await recordsOfWorkflow(crm.pool(baseName), workflowId);
    const status = description.status.name === 'RUNNING' ? 'running' : description.status.name === 'COMPLETED' ? 'completed' : 'failed';
    if (status === 'completed') {
      const result = (await handle.result()) as RunResult;
      return reply.send({ status, ...runAnswer(result, records) });
    }
    const running: RunResult = { success: false, message: status === 'running' ? 'running' : `run ${description.status.name.toLowerCase()}`, workflowId, execucaoId: '', integrations: [] };
    const answer = runAnswer(running, records);
    return reply.send({ status, ...answer, records: records.map((r) => ({ integracao: r.integracao_id, key: r.chave, status: r.status, values: r.valores ?? {}, message: r.erro ?? '' })) });
  });

  app.get('/saude', async (_req, reply) => {
    const checks: Record<string, string> = {};
    await Promise.all([
      ...Object.keys(config.bases).map(async (name) => {
        try {
          await crm.pool(name).query('SELECT 1');
          checks[`base:${name}`] = 'ok';
        } catch (err) {
          checks[`base:${name}`] = `unreachable: ${(err as Error).message}`;
        }
      }),
      client.temporal.connection.workflowService.getSystemInfo({}).then(
        () => (checks.temporal = 'ok'),
        (err: Error) => (checks.temporal = `unreachable: ${err.message}`),
      ),
    ]);
    const ok = Object.values(checks).every((v) => v === 'ok');
    return reply.status(ok ? 200 : 503).send({ success: ok, checks });
  });

  return app;
}
