// TOKEN_CRM check (SPEC §9): compared as SHA-256 digests with timingSafeEqual, so time does not leak it.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { BaseConfig, TokenRule } from '../config/types';
import { RequestError } from '../errors';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Throws 401 for a missing or wrong token, 403 when the token may not run this company; returns the rule. */
export function checkToken(base: BaseConfig, token: string | undefined, empresaId: number | null, env: NodeJS.ProcessEnv = process.env): TokenRule {
  if (!token) throw new RequestError('unauthorized', 'missing TOKEN_CRM header', 'TOKEN_CRM');
  const given = digest(token);
  let matched: (typeof base.tokens)[number] | undefined;
  for (const rule of base.tokens) {
    const expected = rule.sha256 ? Buffer.from(rule.sha256, 'hex') : digest(env[rule.env ?? ''] ?? '');
    // every rule is compared, so the time taken does not say which one matched
    if (expected.length === given.length && timingSafeEqual(expected, given) && !matched) matched = rule;
  }
  if (!matched) throw new RequestError('unauthorized', 'wrong TOKEN_CRM for this base', 'TOKEN_CRM');
  if (matched.empresas && (empresaId === null || !matched.empresas.includes(empresaId))) {
    throw new RequestError('forbidden', `this token may not run empresa ${empresaId ?? '(none)'}`, 'empresa_id');
  }
  return matched;
}

/** Who a token is, in audit records: its `nome`, else `token N` (N its 1-based position in the base's list). */
export function tokenName(base: BaseConfig, rule: TokenRule): string {
  return rule.nome ?? `token ${base.tokens.indexOf(rule) + 1}`;
}
