// POST /execucoes/{workflowId}/integracoes/{integracaoId}/registros/{key}?base_crm=B: a person settles one
// record of a run (SPEC §8, §9; src/settlement/): confirmar, reenviar or descartar. Same TOKEN_CRM and
// base_crm as GET /execucoes; the token's nome is who settled it, in the ledger's audit.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { recordOfExecution } from '../../delivery/ledger-pg';
import { RequestError } from '../../errors';
import { checkBody, executionIdOf, settleRecord } from '../../settlement/settle';
import { SettlementRefused } from '../../settlement/types';
import type { AppDeps } from '../deps';
import { recordAnswer } from '../../run-view';
import { findRun, tokenFitsBase } from './run-access';
import { baseOf, requireToken } from './shared';

/** A settlement body is small: an action, a few values, a reason. */
const BODY_LIMIT = 16 * 1024;
/** fastify's router already refuses path parameters over 100 characters (414); this holds if that changes. */
const MAX_KEY_CHARS = 200;

type Params = { workflowId: string; integracaoId: string; key: string };

function refused(reply: FastifyReply, err: SettlementRefused) {
  return reply.status(err.httpStatus).send({
    success: false,
    message: err.message,
    ...(err.parameter ? { parameter: err.parameter } : {}),
    ...(err.recordStatus ? { status: err.recordStatus } : {}),
    ...(err.settlementWorkflowId ? { settlementWorkflowId: err.settlementWorkflowId } : {}),
  });
}

export function registrosRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'config' | 'client' | 'crm'>): void {
  const { config, client, crm } = deps;
  app.post<{ Params: Params; Querystring: { base_crm?: string } }>(
    '/execucoes/:workflowId/integracoes/:integracaoId/registros/:key',
    { bodyLimit: BODY_LIMIT },
    async (req, reply) => {
      const token = requireToken(req);
      const baseName = req.query.base_crm;
      if (!baseName) throw new RequestError('bad_request', 'missing parameter base_crm', 'base_crm');
      const base = baseOf(config, baseName);
      const { workflowId, key } = req.params;
      tokenFitsBase(base, token);
      try {
        // the body is judged before anything is looked up: a bad one changes nothing and tells nothing
        const request = checkBody(req.body);
        if (!/^\d{1,9}$/.test(req.params.integracaoId))
          throw new SettlementRefused(400, `integracaoId must be an integer, got ${JSON.stringify(req.params.integracaoId).slice(0, 40)}`, 'integracaoId');
        if (!key || key.length > MAX_KEY_CHARS) throw new SettlementRefused(400, `key must be 1 to ${MAX_KEY_CHARS} characters`, 'key');
        const integracaoId = Number(req.params.integracaoId);
        const run = await findRun(client, base, baseName, token, workflowId);
        const pool = crm.pool(baseName);
        const done = await settleRecord(
          { config, client, pool },
          { base: baseName, workflowId, integracaoId, chave: key, ...run },
          request,
          run.caller.nome,
          config.api.waitLimitMs,
        );
        const record = await recordOfExecution(pool, executionIdOf(run.description)!, integracaoId, key);
        return reply.send({
          success: true,
          message: `${request.acao}: record ${key} is ${done.status}${done.message ? ` (${done.message})` : ''}`,
          workflowId,
          integracaoId,
          settlementWorkflowId: done.settlementWorkflowId,
          record: record ? recordAnswer(record) : null,
        });
      } catch (err) {
        if (err instanceof SettlementRefused) return refused(reply, err);
        throw err;
      }
    },
  );
}
