// What the routes share: the TOKEN_CRM header, base lookup, and the log scope of a request.
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../../config/types';
import { RequestError } from '../../errors';
import type { LogScope } from '../../logging/run-logs';

export const TOKEN_HEADER = 'token_crm';

export function tokenOf(req: FastifyRequest): string | undefined {
  const value = req.headers[TOKEN_HEADER];
  return Array.isArray(value) ? value[0] : value;
}

export function requireToken(req: FastifyRequest): string {
  const token = tokenOf(req);
  if (!token) throw new RequestError('unauthorized', 'missing TOKEN_CRM header', 'TOKEN_CRM');
  return token;
}

export function baseOf(config: AppConfig, name: string) {
  const base = Object.prototype.hasOwnProperty.call(config.bases, name) ? config.bases[name] : undefined;
  if (!base) throw new RequestError('not_found', `unknown base_crm ${name}`, 'base_crm');
  return base;
}

const int = (value: unknown): number | null =>
  typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : typeof value === 'number' ? value : null;

/** What a request says about itself, read leniently (it may be invalid): for the log lines. */
export interface RequestFacts extends LogScope {
  integracao: number | null;
  workflowId?: string;
  success?: boolean;
  /** Whether the server handed the new run's first workflow task to this process's worker (eager start). */
  eager?: boolean;
}

export function factsOf(input: Record<string, unknown>): RequestFacts {
  return {
    base: typeof input.base_crm === 'string' ? input.base_crm : null,
    empresaId: int(input.empresa_id),
    empresaFilialId: int(input.empresa_filial_id),
    integracao: int(input.integracao_servico_id),
  };
}

const facts = new WeakMap<FastifyRequest, RequestFacts>();
export const requestFacts = {
  get: (req: FastifyRequest): RequestFacts | undefined => facts.get(req),
  set: (req: FastifyRequest, value: RequestFacts) => void facts.set(req, value),
  update: (req: FastifyRequest, value: Partial<RequestFacts>) => {
    const current = facts.get(req);
    if (current) Object.assign(current, value);
  },
};
