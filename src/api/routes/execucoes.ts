// GET /execucoes/{workflowId}?base_crm=B: a run's history (SPEC §9), with the same token as /integrar.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { RequestError } from '../../errors';
import { BASE_KEY, EMPRESA_KEY } from '../../temporal/client';
import type { AppDeps } from '../deps';
import { checkToken } from '../auth';
import { runView } from '../../run-view';
import { baseOf, requireToken } from './shared';

/** 401 unless the token is one of the base's; a token limited to some companies passes here. */
function tokenFitsBase(base: Parameters<typeof checkToken>[0], token: string): void {
  try {
    checkToken(base, token, null);
  } catch (err) {
    if (err instanceof RequestError && err.kind === 'forbidden') return;
    throw err;
  }
}

export function execucoesRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'config' | 'client' | 'crm'>): void {
  const { config, client, crm } = deps;
  app.get<{ Params: { workflowId: string }; Querystring: { base_crm?: string } }>('/execucoes/:workflowId', async (req, reply) => {
    const token = requireToken(req);
    const baseName = req.query.base_crm;
    if (!baseName) throw new RequestError('bad_request', 'missing parameter base_crm', 'base_crm');
    const base = baseOf(config, baseName);
    const { workflowId } = req.params;
    // the token is checked against the base before anything is looked up, so a wrong token cannot tell
    // whether a run exists; the company the run belongs to is checked once it is known
    tokenFitsBase(base, token);
    const notFound = () => new RequestError('not_found', `no run ${workflowId} in base ${baseName}`, 'workflowId');
    // a run of another base is not even looked up: its id says which base it belongs to
    if (!workflowId.startsWith(`set-${baseName}-`)) throw notFound();
    const handle = client.handle(workflowId);
    let empresa: number | null;
    try {
      const attributes = (await handle.describe()).typedSearchAttributes;
      // the id prefix alone would let base `demo` read runs of base `demo-x`
      if (attributes.get(BASE_KEY) !== baseName) throw notFound();
      empresa = attributes.get(EMPRESA_KEY) ?? null;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound();
      throw err;
    }
    checkToken(base, token, empresa);
    return reply.send(await runView(handle, crm.pool(baseName)));
  });
}
