// GET|POST /previa: a dry run with the parameters of /integrar (SPEC §9). Same parsing, token and company
// checks and plan checks as /integrar (400/401/403/404/422), then the records a run would send, without
// any receiver call, write-back or ledger row. No workflow: it runs in the API process (src/preview/).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createReceiverRegistry } from '../../connectors/registry';
import { ErrorCodes } from '../../errors';
import { previewRun, type PreviewAnswer } from '../../preview/preview';
import { toPreviewRequest } from '../../preview/preview-request';
import type { AppDeps } from '../deps';
import { checkToken } from '../auth';
import { baseOf, factsOf, requestFacts, requireToken } from './shared';

/** A preview request carries parameters and stand-ins, never data: a small body is plenty. */
export const PREVIEW_BODY_LIMIT = 64 * 1024;

/** 422 when an integration's configuration stops it, 502 when its receiver's contract cannot be read, else 200. */
export function previewStatus(answer: PreviewAnswer): number {
  const codes = answer.integrations.map((i) => i.errorCode);
  if (codes.includes(ErrorCodes.config)) return 422;
  if (codes.includes(ErrorCodes.transport) || codes.includes(ErrorCodes.unknownOutcome)) return 502;
  return 200;
}

export function previaRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'config' | 'crm'> & { logs?: AppDeps['logs'] }): void {
  const { config, crm } = deps;
  // receivers for their WSDLs and wire formats only (cached WSDLs, as a worker has): nothing is sent
  const receivers = createReceiverRegistry(config);
  app.addHook('onClose', () => receivers.close());

  const previa = async (req: FastifyRequest, reply: FastifyReply) => {
    const input = { ...(req.query as Record<string, unknown>), ...((req.body as Record<string, unknown>) ?? {}) };
    requestFacts.set(req, factsOf(input));
    const token = requireToken(req);
    const { request, valores, limit } = toPreviewRequest(input);
    const base = baseOf(config, request.base);
    checkToken(base, token, request.empresaId);
    const answer = await previewRun({ pool: crm.pool(request.base), base, config, receivers }, { request, valores, limit });
    requestFacts.update(req, { success: answer.success });
    return reply.status(previewStatus(answer)).send(answer);
  };

  app.route({
    method: ['GET', 'POST'],
    url: '/previa',
    bodyLimit: PREVIEW_BODY_LIMIT,
    handler: previa,
    onResponse: async (req, reply) => {
      const facts = requestFacts.get(req) ?? factsOf((req.query as Record<string, unknown>) ?? {});
      deps.logs
        ?.access(facts)
        .info(
          { method: req.method, path: '/previa', integracao: facts.integracao, status: reply.statusCode, ms: Math.round(reply.elapsedTime), ip: req.ip },
          'previa',
        );
    },
  });
}
