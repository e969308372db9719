// The API connector against the demo REST receiver on 127.0.0.1: answers pass through, and every failure
// lands in the error kind that says whether the record can have been processed (SPEC §8).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import type { ApiConnection } from '../../src/config/types';
import { createApiReceiver } from '../../src/connectors/api';
import type { Receiver } from '../../src/connectors/types';
import { freePort } from '../../src/dev/free-port';
import { startRestReceiver, type RestReceiver } from '../../src/dev/rest-receiver';
import { ConfigError, ReceiverRefusal, RecordError, TransportError, UnknownOutcome } from '../../src/errors';

const TOKEN = 'tok-3n$<secret>';

function connection(url: string, over: Partial<ApiConnection> = {}): ApiConnection {
  return {
    type: 'API',
    url,
    headers: { 'X-Tenant': 'acme' },
    auth: { bearer: TOKEN },
    timeoutMs: 3000,
    maxAnswerBytes: 1024 * 1024,
    concurrency: 1,
    safeToResend: false,
    ...over,
  };
}

const customer = (over: Record<string, unknown> = {}) => ({ nome: 'ACME Indústria Ltda', documento: '11222333000181', idExterno: 42, ...over });

async function withRest(fn: (ctx: { rest: RestReceiver; api: Receiver }) => Promise<void>, over: Partial<ApiConnection> = {}) {
  const rest = await startRestReceiver({ bearer: TOKEN });
  const api = createApiReceiver('rest', connection(rest.baseUrl, over));
  try {
    await fn({ rest, api });
  } finally {
    await api.close?.();
    await rest.close();
  }
}

describe('API connector: answers', () => {
  test('POSTs the body as JSON with the headers and bearer token, and returns the JSON answer', () =>
    withRest(async ({ rest, api }) => {
      const { answer, sent } = await api.send({ link: '/clientes', body: customer() });
      assert.deepEqual(answer, { id: 5001, status: 'OK' });
      const [got] = rest.received;
      assert.equal(got!.method, 'POST');
      assert.deepEqual(got!.body, customer());
      assert.equal(got!.headers['x-tenant'], 'acme');
      assert.equal(got!.headers['content-type'], 'application/json');
      assert.match(sent!, new RegExp(`^POST ${rest.baseUrl}/clientes\\n\\{"nome":"ACME`));
    }));

  test('uses the method and the rendered path of the link', () =>
    withRest(async ({ rest, api }) => {
      await api.send({ link: 'POST /clientes', body: customer() });
      const { answer } = await api.send({ link: 'PUT /clientes/5001', body: { nome: 'ACME S.A.' } });
      assert.deepEqual(answer, { id: 5001, status: 'OK' });
      assert.deepEqual(
        rest.received.map((r) => `${r.method} ${r.path}`),
        ['POST /clientes', 'PUT /clientes/5001'],
      );
    }));

  test('sends apiKey and basic auth as configured', async () => {
    const seen: Array<string | string[] | undefined> = [];
    const server = createServer((req, res) => {
      seen.push(req.headers['x-api-key'], req.headers.authorization);
      req.resume().on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const auth of [{ apiKey: { header: 'X-Api-Key', value: 'k-123' } }, { basic: { user: 'u', password: 'p' } }]) {
        const api = createApiReceiver('x', connection(url, { auth }));
        await api.send({ link: '/x', body: {} });
        await api.close?.();
      }
      assert.deepEqual(seen, ['k-123', undefined, undefined, `Basic ${Buffer.from('u:p').toString('base64')}`]);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  test('a 422 with a JSON body is a refusal carrying the receiver message', () =>
    withRest(async ({ api }) => {
      await assert.rejects(api.send({ link: '/clientes', body: customer({ documento: '11.222.333/0001-82' }) }), (err: unknown) => {
        assert.ok(err instanceof ReceiverRefusal && err instanceof RecordError, String(err));
        assert.equal(err.status, 422);
        assert.match(err.message, /HTTP 422: CNPJ\/CPF inválido: 11\.222\.333\/0001-82/);
        return true;
      });
    }));

  test('a wrong token (401 with a JSON body) is a refusal, and the token never shows', () =>
    withRest(
      async ({ api }) => {
        await assert.rejects(
          api.send({ link: '/clientes', body: customer() }),
          (err: unknown) => err instanceof RecordError && /HTTP 401: token inválido/.test(err.message),
        );
      },
      { auth: { bearer: 'wrong' } },
    ));

  test('refuses an absolute URL in the link before sending anything', () =>
    withRest(async ({ rest, api }) => {
      await assert.rejects(api.send({ link: 'POST http://evil.example/x', body: {} }), ConfigError);
      await assert.rejects(api.send({ link: 'PUT /clientes/..', body: {} }), RecordError);
      assert.equal(rest.attempts.length, 0);
    }));
});

describe('API connector: failures', () => {
  test('an HTML 500 is a final transport error with a short tag-free excerpt', () =>
    withRest(async ({ rest, api }) => {
      rest.setBehaviour({ failWith: 'html500', failTimes: 1 });
      await assert.rejects(api.send({ link: '/clientes', body: customer() }), (err: unknown) => {
        assert.ok(err instanceof TransportError && !err.retryable, String(err));
        assert.match(err.message, /HTTP 500: Erro HTTP 500 NullPointerException/);
        return true;
      });
    }));

  test('a 503 or 429 with Retry-After is retryable with the delay; a 503 without it is final', () =>
    withRest(async ({ rest, api }) => {
      rest.setBehaviour({ failWith: 503, failTimes: 1, retryAfterSeconds: 2 });
      await assert.rejects(
        api.send({ link: '/clientes', body: customer() }),
        (err: unknown) => err instanceof TransportError && err.retryable && err.retryAfterMs === 2000,
      );
      rest.setBehaviour({ failWith: 429, failTimes: 1, retryAfterSeconds: 1 });
      await assert.rejects(
        api.send({ link: '/clientes', body: customer() }),
        (err: unknown) => err instanceof TransportError && err.retryable && err.retryAfterMs === 1000,
      );
      rest.setBehaviour({ failWith: 503, failTimes: 1, retryAfterSeconds: undefined });
      await assert.rejects(api.send({ link: '/clientes', body: customer() }), (err: unknown) => err instanceof TransportError && !err.retryable);
      assert.equal(rest.received.length, 0, 'none of them was processed');
    }));

  test('a 200 that is not JSON is an unknown outcome', () =>
    withRest(async ({ rest, api }) => {
      rest.setBehaviour({ failWith: 'notJson', failTimes: 1 });
      await assert.rejects(
        api.send({ link: '/clientes', body: customer() }),
        (err: unknown) => err instanceof UnknownOutcome && /HTTP 200 with an unreadable answer: recebido/.test(err.message),
      );
    }));

  test('a connection dropped after processing is an unknown outcome', () =>
    withRest(async ({ rest, api }) => {
      rest.setBehaviour({ failWith: 'dropConnection', failTimes: 1 });
      await assert.rejects(api.send({ link: '/clientes', body: customer() }), UnknownOutcome);
      assert.equal(rest.countsByExternalId().get('42'), 1, 'the receiver did process it: resending would duplicate');
    }));

  test('a receiver slower than timeoutMs is an unknown outcome, reported in time', () =>
    withRest(
      async ({ rest, api }) => {
        rest.setBehaviour({ delayMs: 1000 });
        const started = Date.now();
        await assert.rejects(
          api.send({ link: '/clientes', body: customer() }),
          (err: unknown) => err instanceof UnknownOutcome && /no answer within 150 ms/.test(err.message),
        );
        assert.ok(Date.now() - started < 900);
      },
      { timeoutMs: 150 },
    ));

  test('a connection refused is retryable: nothing was sent', async () => {
    const port = await freePort();
    const api = createApiReceiver('rest', connection(`http://127.0.0.1:${port}`));
    try {
      await assert.rejects(
        api.send({ link: '/clientes', body: customer() }),
        (err: unknown) => err instanceof TransportError && err.retryable && /ECONNREFUSED.*nothing was sent/.test(err.message),
      );
    } finally {
      await api.close?.();
    }
  });

  test('an unknown host is retryable: nothing was sent', async () => {
    const api = createApiReceiver('rest', connection('http://receiver.invalid'));
    try {
      await assert.rejects(
        api.send({ link: '/clientes', body: customer() }),
        (err: unknown) => err instanceof TransportError && err.retryable && /ENOTFOUND|EAI_AGAIN/.test(err.message),
      );
    } finally {
      await api.close?.();
    }
  });

  test('masks the bearer token, api key and secret headers in what it reports as sent', () =>
    withRest(
      async ({ api }) => {
        const { sent } = await api.send({ link: '/clientes', body: customer({ observacao: `token ${TOKEN} and key k-999` }) });
        assert.ok(sent);
        assert.doesNotMatch(sent, /tok-3n|k-999/);
        assert.match(sent, /token \*\*\* and key \*\*\*/);
      },
      { headers: { 'X-Api-Token': 'k-999' } },
    ));
});
