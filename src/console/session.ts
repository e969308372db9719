// Who is signed in to the console: the base and the SHA-256 digest of the token, in a cookie encrypted and
// authenticated by @fastify/secure-session (never the token itself). The digest is matched against the
// base's token rules on every request, so a token removed from the connection file ends its sessions.
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { matchTokenDigest, tokenName } from '../auth/check-token';
import type { AppConfig, BaseConfig } from '../config/types';

declare module '@fastify/secure-session' {
  interface SessionData {
    base: string;
    digest: string;
    /** @fastify/csrf-protection's secret. */
    _csrf: string;
  }
}

export interface Operator {
  base: string;
  baseConfig: BaseConfig;
  /** The token's companies; absent = every company of the base. */
  empresas?: number[];
  /** Who the token is, in audit records (its `nome`, else `token N`). */
  nome: string;
}

/** Session lifetime (seconds): the cookie's Max-Age and the age after which secure-session refuses it. */
export const SESSION_SECONDS = 8 * 60 * 60;
export const KEY_VARIABLE = 'INTEGRADOR_CONSOLE_KEY';

/**
 * The session key: INTEGRADOR_CONSOLE_KEY (64 hex characters = 32 bytes; the same on every API process
 * behind one address), or a random key per process, so sessions end when the process restarts.
 */
export function sessionKey(env: NodeJS.ProcessEnv): Buffer {
  const hex = env[KEY_VARIABLE];
  if (hex === undefined || hex === '') return randomBytes(32);
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error(`${KEY_VARIABLE} must be 64 hexadecimal characters (32 bytes), e.g. the output of: openssl rand -hex 32`);
  return Buffer.from(hex, 'hex');
}

export const baseConfigOf = (config: AppConfig, name: string): BaseConfig | undefined =>
  Object.prototype.hasOwnProperty.call(config.bases, name) ? config.bases[name] : undefined;

export function operatorOf(req: FastifyRequest, config: AppConfig, env: NodeJS.ProcessEnv): Operator | undefined {
  if (!req.session) return undefined;
  const base = req.session.get('base');
  const digest = req.session.get('digest');
  if (typeof base !== 'string' || typeof digest !== 'string' || !/^[0-9a-f]{64}$/.test(digest)) return undefined;
  const baseConfig = baseConfigOf(config, base);
  if (!baseConfig) return undefined;
  const rule = matchTokenDigest(baseConfig, Buffer.from(digest, 'hex'), env);
  if (!rule) return undefined;
  return { base, baseConfig, nome: tokenName(baseConfig, rule), ...(rule.empresas ? { empresas: rule.empresas } : {}) };
}

/** May this operator see a run or row of this company (null: a run without empresa_id)? */
export function maySee(operator: Operator, empresa: number | null): boolean {
  return !operator.empresas || (empresa !== null && operator.empresas.includes(empresa));
}
