// GET|POST /integrar (and the PHP paths old callers use): start or join a run, wait for it, answer (SPEC §9).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordsOfExecution } from '../../delivery/ledger-pg';
import type { RunResult } from '../../plan/types';
import { runAnswer } from '../../run-view';
import { planFromCrm } from '../../validate/check-plan';
import { checkToken } from '../auth';
import type { AppDeps } from '../deps';
import { httpStatusOf } from '../http-status';
import { toRunRequest } from '../../request/run-request';
import { baseOf, factsOf, requestFacts, requireToken } from './shared';

export const INTEGRAR_PATHS = ['/integrar', '/integrar.php', '/Integrador/integrar.php'];

export function integrarRoutes(app: FastifyInstance, deps: Required<Pick<AppDeps, 'config' | 'client' | 'crm' | 'logs'>>): void {
  const { config, client, crm, logs } = deps;

  const integrar = async (req: FastifyRequest, reply: FastifyReply) => {
    const input = { ...(req.query as Record<string, unknown>), ...((req.body as Record<string, unknown>) ?? {}) };
    requestFacts.set(req, factsOf(input));
    const token = requireToken(req);
    const { request, wait } = toRunRequest(input);
    const base = baseOf(config, request.base);
    checkToken(base, token, request.empresaId);
    // refuse a request the run would refuse, before a workflow exists (same messages as loadPlan)
    const plan = await planFromCrm(crm.pool(request.base), base, request, config.run);
    // the run takes this plan instead of loading it again (a joined run keeps its own)
    const handle = await client.start(request, plan, { plan });
    requestFacts.update(req, { workflowId: handle.workflowId, eager: handle.eagerlyStarted === true });
    if (!wait) return reply.status(202).send({ success: true, message: 'started', workflowId: handle.workflowId });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), config.api.waitLimitMs)));
    const outcome = await Promise.race([handle.result() as Promise<RunResult>, timeout]).finally(() => clearTimeout(timer));
    if (outcome === 'timeout') {
      return reply.status(504).send({
        success: false,
        message: `still running after ${config.api.waitLimitMs} ms; follow it at /execucoes/${handle.workflowId}`,
        workflowId: handle.workflowId,
      });
    }
    const records = await recordsOfExecution(crm.pool(request.base), outcome.execucaoId);
    const answer = runAnswer(outcome, records);
    requestFacts.update(req, { success: outcome.success });
    if (!outcome.success) {
      const failed = answer.integrations
        .filter((i) => i.status === 'erro')
        .map((i) => ({
          id: i.id,
          name: i.name,
          message: i.message,
          errorCode: i.errorCode,
          records: i.records.filter((r) => r.status === 'erro' || r.status === 'incerto'),
        }));
      logs
        .error(request)
        .error(
          { workflowId: handle.workflowId, integracao: request.integracaoId, errorCode: outcome.errorCode, issues: outcome.issues, failed },
          outcome.message,
        );
    }
    return reply.status(httpStatusOf(outcome, records)).send(answer);
  };

  for (const url of INTEGRAR_PATHS) {
    app.route({
      method: ['GET', 'POST'],
      url,
      handler: integrar,
      // one access line per request, whatever its outcome
      onResponse: async (req, reply) => {
        const facts = requestFacts.get(req) ?? factsOf((req.query as Record<string, unknown>) ?? {});
        logs.access(facts).info(
          {
            method: req.method,
            path: url,
            integracao: facts.integracao,
            status: reply.statusCode,
            ms: Math.round(reply.elapsedTime),
            workflowId: facts.workflowId ?? null,
            ...(facts.success !== undefined ? { success: facts.success } : {}),
            ...(facts.eager !== undefined ? { eager: facts.eager } : {}),
            ip: req.ip,
          },
          'integrar',
        );
      },
    });
  }
}
