// TOKEN_CRM check (SPEC §9): compared as SHA-256 digests with timingSafeEqual, so time does not leak it.
// Shared by the API (a header per request) and the console (a digest kept in its encrypted session).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { BaseConfig, TokenRule } from '../config/types';
import { RequestError } from '../errors';

export const tokenDigest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** The base's token rule a token's SHA-256 digest matches, or undefined; every rule is compared. */
export function matchTokenDigest(base: BaseConfig, given: Buffer, env: NodeJS.ProcessEnv = process.env): TokenRule | undefined {
  let matched: TokenRule | undefined;
  for (const rule of base.tokens) {
    const expected = rule.sha256 ? Buffer.from(rule.sha256, 'hex') : tokenDigest(env[rule.env ?? ''] ?? '');
    // every rule is compared, so the time taken does not say which one matched
    if (expected.length === given.length && timingSafeEqual(expected, given) && !matched) matched = rule;
  }
  return matched;
}

/** The base's token rule `token` matches; 401 for a missing or wrong token. Companies are not checked. */
export function tokenRuleOf(base: BaseConfig, token: string | undefined, env: NodeJS.ProcessEnv = process.env): TokenRule {
  if (!token) throw new RequestError('unauthorized', 'missing TOKEN_CRM header', 'TOKEN_CRM');
  const matched = matchTokenDigest(base, tokenDigest(token), env);
  if (!matched) throw new RequestError('unauthorized', 'wrong TOKEN_CRM for this base', 'TOKEN_CRM');
  return matched;
}

/** 403 when the token may not run this company. */
export function checkCompany(rule: TokenRule, empresaId: number | null): void {
  if (rule.empresas && (empresaId === null || !rule.empresas.includes(empresaId))) {
    throw new RequestError('forbidden', `this token may not run empresa ${empresaId ?? '(none)'}`, 'empresa_id');
  }
}

/** Throws 401 for a missing or wrong token, 403 when the token may not run this company; returns the rule. */
export function checkToken(base: BaseConfig, token: string | undefined, empresaId: number | null, env: NodeJS.ProcessEnv = process.env): TokenRule {
  const rule = tokenRuleOf(base, token, env);
  checkCompany(rule, empresaId);
  return rule;
}

/** Who a token is, in audit records: its `nome`, else `token N` (N its 1-based position in the base's list). */
export function tokenName(base: BaseConfig, rule: TokenRule): string {
  return rule.nome ?? `token ${base.tokens.indexOf(rule) + 1}`;
}
