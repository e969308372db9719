// The API connector's pure parts: the link's method and path, and what each HTTP status means.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explain, judge, parseApiLink } from '../../../src/connectors/api';
import { ConfigError, ReceiverRefusal, RecordError, TransportError, UnknownOutcome } from '../../../src/errors';

test('reads "[METHOD ]path", POST by default', () => {
  assert.deepEqual(parseApiLink('/clientes', 'rest'), { method: 'POST', path: '/clientes' });
  assert.deepEqual(parseApiLink('put /clientes/42', 'rest'), { method: 'PUT', path: '/clientes/42' });
  assert.deepEqual(parseApiLink('  PATCH   /clientes/42?x=1 ', 'rest'), { method: 'PATCH', path: '/clientes/42?x=1' });
});

test('refuses an unknown method or an absolute URL as a config error on integracao.link', () => {
  for (const link of ['SEND /clientes', 'POST https://elsewhere.example/clientes', 'POST /a /b']) {
    assert.throws(
      () => parseApiLink(link, 'rest'),
      (err: unknown) => err instanceof ConfigError && /integracao link: connection rest/.test(err.message),
      link,
    );
  }
});

test('a 2xx JSON body is the answer; an empty one is {}; an unreadable one is an unknown outcome', () => {
  assert.deepEqual(judge(201, {}, '{"id":5001,"status":"OK"}', 'w'), { id: 5001, status: 'OK' });
  assert.deepEqual(judge(204, {}, '', 'w'), {});
  assert.throws(() => judge(200, {}, '<html>ok</html>', 'w'), UnknownOutcome);
});

test('a non-2xx with a JSON body is a refusal with the status and what the body says', () => {
  assert.throws(
    () => judge(422, {}, '{"status":"ERRO","mensagem":"CNPJ/CPF inválido: 1"}', 'API rest POST /clientes'),
    (err: unknown) => {
      assert.ok(err instanceof ReceiverRefusal && err instanceof RecordError);
      assert.equal(err.message, 'API rest POST /clientes: HTTP 422: CNPJ/CPF inválido: 1');
      assert.equal(err.status, 422);
      assert.deepEqual(err.answer, { status: 'ERRO', mensagem: 'CNPJ/CPF inválido: 1' });
      return true;
    },
  );
  assert.equal(explain({ error: { message: 'quota', code: 7 } }), '{"message":"quota","code":7}');
  assert.equal(explain({ data: { detail: 'campo x' } }), 'campo x');
  assert.equal(explain({ codigo: 9 }), '{"codigo":9}');
});

test('429/503 with Retry-After are retryable; without it, or any other status without JSON, final', () => {
  assert.throws(
    () => judge(503, { 'retry-after': '2' }, '<html/>', 'w'),
    (err: unknown) => err instanceof TransportError && err.retryable && err.retryAfterMs === 2000,
  );
  assert.throws(
    () => judge(429, { 'retry-after': '0' }, '{"message":"slow down"}', 'w'),
    (err: unknown) => err instanceof TransportError && err.retryable,
  );
  assert.throws(
    () => judge(503, {}, '<html><body>Indisponível</body></html>', 'w'),
    (err: unknown) => err instanceof TransportError && !err.retryable && /HTTP 503: Indisponível/.test(err.message),
  );
  assert.throws(
    () => judge(500, {}, 'boom', 'w'),
    (err: unknown) => err instanceof TransportError && !err.retryable,
  );
  assert.throws(() => judge(504, {}, '{"message":"upstream timed out"}', 'w'), UnknownOutcome);
});
