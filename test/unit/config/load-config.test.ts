import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConfig } from '../../../src/config/load-config';
import { ConfigError } from '../../../src/errors';

const VALID = `
temporal:
  address: 127.0.0.1:7233
bases:
  demo:
    database: postgres://crm:crm-db-pw@127.0.0.1:5432/crm
    tokens:
      - sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
      - env: DEMO_TOKEN
        empresas: [1, 2]
    connections:
      g5:
        type: WS
        url: http://erp.example:8080
        args: { user: integrador, password: "\${G5_PASSWORD}", encryption: 0 }
        safeToResend: false
`;

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('connection file', () => {
  test("a token's nome is who it is in audit records: given, else `token N`; it is not a secret", () => {
    const named = VALID.replace('        empresas: [1, 2]', '        empresas: [1, 2]\n        nome: suporte-erp');
    const config = parseConfig(named, { G5_PASSWORD: 's3cret!', DEMO_TOKEN: 'tok-123' });
    assert.deepEqual(
      config.bases.demo!.tokens.map((t) => t.nome),
      ['token 1', 'suporte-erp'],
    );
    assert.ok(!config.secrets.includes('suporte-erp'));
    const empty = configError(() => parseConfig(VALID.replace('        empresas: [1, 2]', "        nome: ''"), { G5_PASSWORD: 'x', DEMO_TOKEN: 'y' }));
    assert.equal(empty.issues[0]!.column, 'bases.demo.tokens.1.nome');
  });
  test('reads a valid file, fills defaults and expands ${NAME} from the environment', () => {
    const config = parseConfig(VALID, { G5_PASSWORD: 's3cret!', DEMO_TOKEN: 'tok-123' });
    const g5 = config.bases.demo!.connections.g5!;
    assert.equal(g5.type, 'WS');
    assert.equal(g5.type === 'WS' && g5.args.password, 's3cret!');
    assert.equal(g5.timeoutMs, 30000);
    assert.equal(g5.concurrency, 4);
    assert.equal(config.temporal.taskQueue, 'integrador');
    assert.equal(config.temporal.namespace, 'default');
    assert.equal(config.api.port, 3000);
    assert.equal(config.run.chunkSize, 100);
  });

  test('collects the secrets to mask: passwords, env tokens and passwords inside URLs', () => {
    const config = parseConfig(VALID, { G5_PASSWORD: 's3cret!', DEMO_TOKEN: 'tok-123' });
    assert.ok(config.secrets.includes('s3cret!'));
    assert.ok(config.secrets.includes('tok-123'));
    assert.ok(config.secrets.includes('crm-db-pw'));
    assert.ok(!config.secrets.includes('integrador'));
  });

  test('is frozen once loaded', () => {
    const config = parseConfig(VALID, { G5_PASSWORD: 'x', DEMO_TOKEN: 'y' });
    assert.throws(() => {
      (config.bases.demo as { database: string }).database = 'other';
    }, TypeError);
  });

  test('a missing environment variable is an error naming where it is used', () => {
    const err = configError(() => parseConfig(VALID, { DEMO_TOKEN: 'y' }));
    assert.match(err.message, /bases\.demo\.connections\.g5\.args\.password: environment variable G5_PASSWORD is not set/);
  });

  test('a token read from an unset variable is an error', () => {
    const err = configError(() => parseConfig(VALID, { G5_PASSWORD: 'x' }));
    assert.match(err.message, /tokens\.1\.env: environment variable DEMO_TOKEN is not set/);
  });

  test('reports every problem at once, with its path', () => {
    const err = configError(() =>
      parseConfig(
        `
bases:
  demo:
    database: ""
    tokens: []
    connections:
      g5: { type: WS, url: "not a url", timeoutMs: -1 }
      erp: { type: FTP, url: "ftp://x" }
`,
        {},
      ),
    );
    const columns = err.issues.map((i) => i.column);
    assert.ok(columns.includes('bases.demo.database'), columns.join());
    assert.ok(columns.includes('bases.demo.tokens'), columns.join());
    assert.ok(columns.includes('bases.demo.connections.g5.url'), columns.join());
    assert.ok(columns.includes('bases.demo.connections.g5.timeoutMs'), columns.join());
    assert.ok(
      columns.some((c) => c?.startsWith('bases.demo.connections.erp')),
      columns.join(),
    );
    assert.ok(err.issues.every((i) => i.table === 'connection file'));
  });

  test('unknown keys are refused, so a typo does not silently fall back to a default', () => {
    const err = configError(() => parseConfig(VALID.replace('safeToResend', 'safeToResent'), { G5_PASSWORD: 'x', DEMO_TOKEN: 'y' }));
    assert.match(err.message, /safeToResent/);
  });

  test('a token needs exactly one of sha256 or env, and sha256 is 64 hex digits', () => {
    const err = configError(() => parseConfig(`bases:\n  demo:\n    database: postgres://x/y\n    tokens:\n      - sha256: abc\n      - {}\n`, {}));
    assert.match(err.message, /64 hex digits/);
    assert.match(err.message, /exactly one of sha256 or env/);
  });

  test("a connection's scope is process (absent) or deployment; anything else names the connection", () => {
    const env = { G5_PASSWORD: 'x', DEMO_TOKEN: 'y' };
    assert.equal(parseConfig(VALID, env).bases.demo!.connections.g5!.scope, undefined);
    const deployment = parseConfig(VALID.replace('        safeToResend: false', '        safeToResend: false\n        scope: deployment'), env);
    assert.equal(deployment.bases.demo!.connections.g5!.scope, 'deployment');
    const wrong = configError(() => parseConfig(VALID.replace('        safeToResend: false', '        safeToResend: false\n        scope: cluster'), env));
    assert.equal(wrong.issues.length, 1);
    assert.equal(wrong.issues[0]!.column, 'bases.demo.connections.g5.scope');
    assert.match(wrong.issues[0]!.message, /scope is process .* or deployment/);
    assert.match(wrong.message, /bases\.demo\.connections\.g5\.scope/);
  });

  test('invalid YAML is a clear error', () => {
    const err = configError(() => parseConfig('bases: [unclosed', {}));
    assert.match(err.message, /invalid YAML/);
  });
});
