// GET /pendencias?base_crm=B[&empresa_id=N]: the records a person has to settle (SPEC §9). Same TOKEN_CRM
// as /execucoes; a token limited to some companies sees only their records, and naming another company is 403.
import type { FastifyInstance } from 'fastify';
import { RequestError } from '../../errors';
import { DEFAULT_PENDING_LIMIT, listPending, MAX_PENDING_LIMIT } from '../../pending/list-pending';
import type { AppDeps } from '../deps';
import { checkCompany, tokenRuleOf } from '../auth';
import { baseOf, requireToken } from './shared';

type Query = { base_crm?: unknown; empresa_id?: unknown; limite?: unknown };

function optionalInteger(value: unknown, name: string, min: number, max: number): number | null {
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string' || !/^-?\d{1,15}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new RequestError('bad_request', `parameter ${name} must be an integer${max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : ''}`, name);
  }
  return Number(value);
}

export function pendenciasRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'config' | 'crm'>): void {
  app.get<{ Querystring: Query }>('/pendencias', async (req, reply) => {
    const token = requireToken(req);
    const baseName = req.query.base_crm;
    if (baseName === undefined || baseName === '') throw new RequestError('bad_request', 'missing parameter base_crm', 'base_crm');
    if (typeof baseName !== 'string') throw new RequestError('bad_request', 'parameter base_crm must be a single value', 'base_crm');
    const base = baseOf(deps.config, baseName);
    const rule = tokenRuleOf(base, token);
    const empresaId = optionalInteger(req.query.empresa_id, 'empresa_id', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    if (empresaId !== null) checkCompany(rule, empresaId);
    const limit = optionalInteger(req.query.limite, 'limite', 1, MAX_PENDING_LIMIT) ?? DEFAULT_PENDING_LIMIT;
    const list = await listPending(deps.crm.pool(baseName), { empresaId, allowed: rule.empresas, limit });
    return reply.send({ success: true, base: baseName, ...(empresaId !== null ? { empresaId } : {}), ...list });
  });
}
