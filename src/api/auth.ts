// TOKEN_CRM check (SPEC §9): compared as SHA-256 digests with timingSafeEqual, so time does not leak it.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { BaseConfig } from '../config/types';
import { RequestError } from '../errors';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Who a token is, for audit records: its `nome`, else `token N` (N its 1-based position in the base's list). */
export interface TokenIdentity {
  nome: string;
}

/** Throws 401 for a missing or wrong token, 403 when the token may not run this company. */
export function checkToken(base: BaseConfig, token: string | undefined, empresaId: number | null, env: NodeJS.ProcessEnv = process.env): TokenIdentity {
  if (!token) throw new RequestError('unauthorized', 'missing TOKEN_CRM header', 'TOKEN_CRM');
  const given = digest(token);
  let matched: (typeof base.tokens)[number] | undefined;
  let position = 0;
  base.tokens.forEach((rule, i) => {
    const expected = rule.sha256 ? Buffer.from(rule.sha256, 'hex') : digest(env[rule.env ?? ''] ?? '');
    // every rule is compared, so the time taken does not say which one matched
    if (expected.length === given.length && timingSafeEqual(expected, given) && !matched) [matched, position] = [rule, i + 1];
  });
  if (!matched) throw new RequestError('unauthorized', 'wrong TOKEN_CRM for this base', 'TOKEN_CRM');
  if (matched.empresas && (empresaId === null || !matched.empresas.includes(empresaId))) {
    throw new RequestError('forbidden', `this token may not run empresa ${empresaId ?? '(none)'}`, 'empresa_id');
  }
  return { nome: matched.nome ?? `token ${position}` };
}
