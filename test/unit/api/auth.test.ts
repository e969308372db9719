import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { checkToken, tokenName, tokenRuleOf } from '../../../src/api/auth';
import type { BaseConfig } from '../../../src/config/types';
import { RequestError } from '../../../src/errors';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const base: BaseConfig = {
  database: 'postgres://x/y',
  connections: {},
  tokens: [{ sha256: sha('hashed-token') }, { env: 'CRM_TOKEN', empresas: [1, 2] }],
};
const env = { CRM_TOKEN: 'env-token' };

function kindOf(fn: () => void): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof RequestError);
    return err.kind;
  }
}

describe('TOKEN_CRM', () => {
  test('names the matched rule, whatever its companies (for /pendencias and audit records)', () => {
    assert.equal(tokenRuleOf(base, 'env-token', env), base.tokens[1]);
    assert.equal(checkToken(base, 'hashed-token', 3, env), base.tokens[0]);
    assert.equal(
      kindOf(() => tokenRuleOf(base, 'nope', env)),
      'unauthorized',
    );
  });
  test('accepts a token whose SHA-256 is configured, for any company', () => {
    assert.equal(
      kindOf(() => checkToken(base, 'hashed-token', 7, env)),
      'ok',
    );
  });
  test('accepts a token read from the environment for its companies only', () => {
    assert.equal(
      kindOf(() => checkToken(base, 'env-token', 2, env)),
      'ok',
    );
    assert.equal(
      kindOf(() => checkToken(base, 'env-token', 3, env)),
      'forbidden',
    );
    assert.equal(
      kindOf(() => checkToken(base, 'env-token', null, env)),
      'forbidden',
    );
  });
  test('refuses a missing, wrong or near-miss token as unauthorized', () => {
    assert.equal(
      kindOf(() => checkToken(base, undefined, 1, env)),
      'unauthorized',
    );
    assert.equal(
      kindOf(() => checkToken(base, '', 1, env)),
      'unauthorized',
    );
    assert.equal(
      kindOf(() => checkToken(base, 'hashed-toke', 1, env)),
      'unauthorized',
    );
    assert.equal(
      kindOf(() => checkToken(base, 'env-token ', 1, env)),
      'unauthorized',
    );
  });
  test('an unset environment variable never matches an empty token', () => {
    assert.equal(
      kindOf(() => checkToken(base, '', 1, {})),
      'unauthorized',
    );
    assert.equal(
      kindOf(() => checkToken(base, 'x', 1, {})),
      'unauthorized',
    );
  });
});

describe("the token's nome (who it is, in settlement audits)", () => {
  test('is its nome when the file gives one, else `token N` with N its 1-based position', () => {
    const named: BaseConfig = { ...base, tokens: [{ sha256: sha('first') }, { sha256: sha('second'), nome: 'suporte-erp' }, { env: 'CRM_TOKEN' }] };
    const who = (token: string) => tokenName(named, checkToken(named, token, 1, env));
    assert.equal(who('first'), 'token 1');
    assert.equal(who('second'), 'suporte-erp');
    assert.equal(who('env-token'), 'token 3');
  });
});
