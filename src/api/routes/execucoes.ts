// GET /execucoes/{workflowId}?base_crm=B: a run's history (SPEC §9), with the same token as /integrar.
import type { FastifyInstance } from 'fastify';
import { RequestError } from '../../errors';
import type { AppDeps } from '../deps';
import { findRun } from './run-access';
import { runView } from '../../run-view';
import { baseOf, requireToken } from './shared';

export function execucoesRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'config' | 'client' | 'crm'>): void {
  const { config, client, crm } = deps;
  app.get<{ Params: { workflowId: string }; Querystring: { base_crm?: string } }>('/execucoes/:workflowId', async (req, reply) => {
    const token = requireToken(req);
    const baseName = req.query.base_crm;
    if (!baseName) throw new RequestError('bad_request', 'missing parameter base_crm', 'base_crm');
    const base = baseOf(config, baseName);
    // the token before the run, the base's own runs only, then the run's company (run-access.ts)
    const { handle } = await findRun(client, base, baseName, token, req.params.workflowId);
    return reply.send(await runView(handle, crm.pool(baseName)));
  });
}
