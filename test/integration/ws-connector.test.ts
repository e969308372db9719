// The WS connector against the demo G5 receiver on 127.0.0.1: answers pass through untouched, and every
// failure lands in the error kind that says whether the record can have been processed (SPEC §8).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WsConnection } from '../../src/config/types';
import { createWsReceiver, createWsdlCache, resolveOperation, type WsdlCache } from '../../src/connectors/ws';
import type { Receiver } from '../../src/connectors/types';
import { startG5Receiver, type G5Receiver } from '../../src/dev/g5-receiver';
import { freePort } from '../../src/dev/free-port';
import { ConfigError, RecordError, TransportError, UnknownOutcome } from '../../src/errors';

const PASSWORD = 'S3nh@<G5>';
const LINK = '/g5-senior-services/sapiens_Synccom_senior_g5_co_ger_cad_clientes?wsdl';

function connection(url: string, over: Partial<WsConnection> = {}): WsConnection {
  return {
    type: 'WS',
    url,
    args: { user: 'integrador', password: PASSWORD, encryption: 0 },
    timeoutMs: 5000,
    maxAnswerBytes: 1024 * 1024,
    concurrency: 1,
    safeToResend: false,
    ...over,
  };
}

function customer(over: Record<string, unknown> = {}) {
  return {
    nomCli: 'ACME Indústria Ltda',
    apeCli: 'ACME',
    tipCli: 'J',
    cgcCpf: '11.222.333/0001-81',
    cidCli: 'Blumenau',
    sigUfs: 'SC',
    ideExt: 42,
    definicoesCliente: [{ codEmp: 1, codFil: 1, codRep: 7 }],
    ...over,
  };
}

const gravar = (...customers: object[]) => ({
  link: LINK,
  operation: 'GravarClientes',
  body: { parameters: { dadosGeraisCliente: customers } },
});

interface Ctx {
  g5: G5Receiver;
  ws: Receiver;
}

/** Starts a G5 receiver and a WS receiver pointed at it, runs `fn`, and stops both. */
async function withG5(fn: (ctx: Ctx) => Promise<void>, over: Partial<WsConnection> = {}, cache?: WsdlCache) {
  const g5 = await startG5Receiver({ password: PASSWORD });
  const ws = createWsReceiver('g5', connection(g5.baseUrl, over), { wsdlCache: cache });
  try {
    await fn({ g5, ws });
  } finally {
    await ws.close?.();
    await g5.close();
  }
}

type G5Answer = { result: { tipoRetorno: string; erroExecucao: unknown; retornosClientes?: unknown } };
const feedback = (answer: unknown) => {
  const items = (answer as G5Answer).result.retornosClientes;
  return (Array.isArray(items) ? items : [items]) as Array<Record<string, unknown>>;
};

describe('WS connector: answers', () => {
  test('sends a valid customer and returns the receiver codCli with retorno OK', () =>
    withG5(async ({ ws }) => {
      const { answer } = await ws.send(gravar(customer()));
      assert.equal((answer as G5Answer).result.tipoRetorno, '1');
      assert.deepEqual(feedback(answer), [{ codCli: '1001', cgcCpf: '11.222.333/0001-81', ideExt: '42', retorno: 'OK' }]);
    }));

  test('passes an invalid CNPJ answer through without judging it', () =>
    withG5(async ({ ws }) => {
      const { answer } = await ws.send(gravar(customer({ cgcCpf: '11.222.333/0001-82' })));
      const [item] = feedback(answer);
      assert.equal(item.retorno, 'CNPJ/CPF inválido: 11.222.333/0001-82');
      assert.equal(item.codCli, undefined);
    }));

  test('passes a wrong password answer (tipoRetorno 2) through without judging it', () =>
    withG5(
      async ({ ws }) => {
        const { answer } = await ws.send(gravar(customer()));
        const { result } = answer as G5Answer;
        assert.equal(result.tipoRetorno, '2');
        assert.equal(result.erroExecucao, 'Usuário ou senha inválidos');
        assert.equal(result.retornosClientes, undefined);
      },
      { args: { user: 'integrador', password: 'errada', encryption: 0 } },
    ));

  test('delivers nested definicoesCliente to the receiver', () =>
    withG5(async ({ ws, g5 }) => {
      await ws.send(
        gravar(
          customer({
            definicoesCliente: [
              { codEmp: 1, codFil: 1 },
              { codEmp: 2, codFil: 3, codCpg: '030' },
            ],
          }),
        ),
      );
      const args = g5.received[0].args as { parameters: { dadosGeraisCliente: { definicoesCliente: unknown } } };
      assert.deepEqual(args.parameters.dadosGeraisCliente.definicoesCliente, [
        { codEmp: '1', codFil: '1' },
        { codEmp: '2', codFil: '3', codCpg: '030' },
      ]);
    }));

  test('gets the same codCli back for the same cgcCpf', () =>
    withG5(async ({ ws }) => {
      const first = feedback((await ws.send(gravar(customer()))).answer)[0];
      const other = feedback((await ws.send(gravar(customer({ cgcCpf: '11444777000161', ideExt: 43 })))).answer)[0];
      const again = feedback((await ws.send(gravar(customer({ cgcCpf: '11222333000181', ideExt: 44 })))).answer)[0];
      assert.equal(first.codCli, '1001');
      assert.equal(other.codCli, '1002');
      assert.equal(again.codCli, '1001');
    }));

  test('sends the fixed arguments in WSDL part order with the mapped fields over them', () =>
    withG5(
      async ({ ws, g5 }) => {
        const { sent } = await ws.send(gravar(customer()));
        const at = (tag: string) => sent!.indexOf(`<${tag}>`);
        assert.ok(at('user') < at('password') && at('password') < at('encryption') && at('encryption') < at('parameters'), sent);
        assert.equal((g5.received[0].args as { encryption: number }).encryption, 0);
      },
      { args: { encryption: 0, password: PASSWORD, user: 'integrador' } },
    ));

  test('accepts a Service.Port.Operation name', () =>
    withG5(async ({ ws }) => {
      const { answer } = await ws.send({
        ...gravar(customer()),
        operation: 'g5-senior-services.sapiens_Synccom_senior_g5_co_ger_cad_clientesPort.GravarClientes',
      });
      assert.equal(feedback(answer)[0].retorno, 'OK');
    }));
});

describe('WS connector: operations', () => {
  test('rejects an unknown operation with a config error listing the available ones', () =>
    withG5(async ({ ws, g5 }) => {
      await assert.rejects(ws.send({ ...gravar(customer()), operation: 'GravarContatos' }), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /porta_ws/);
        assert.match(err.message, /g5-senior-services\.sapiens_Synccom_senior_g5_co_ger_cad_clientesPort\.GravarClientes/);
        return true;
      });
      assert.equal(g5.received.length, 0);
    }));

  test('rejects a plain name found in two ports as ambiguous, naming both', () => {
    const ops = [
      { service: 'S', port: 'P1', name: 'GravarClientes', parts: [] },
      { service: 'S', port: 'P2', name: 'GravarClientes', parts: [] },
    ];
    assert.throws(
      () => resolveOperation(ops, 'GravarClientes', 'g5', 'http://x?wsdl'),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /ambiguous.*S\.P1\.GravarClientes, S\.P2\.GravarClientes/);
        return true;
      },
    );
    assert.equal(resolveOperation(ops, 'S.P2.GravarClientes', 'g5', 'http://x?wsdl').port, 'P2');
  });
});

describe('WS connector: failures', () => {
  test('turns a SOAP fault into a record error with the fault code and string', () =>
    withG5(async ({ ws, g5 }) => {
      g5.setBehaviour({ failWith: 'fault', failTimes: 1 });
      await assert.rejects(ws.send(gravar(customer())), (err: unknown) => {
        assert.ok(err instanceof RecordError, String(err));
        assert.match(err.message, /soap:Server: Falha interna do Sapiens/);
        return true;
      });
    }));

  test('turns an HTML 500 page into a final transport error with a short tag-free excerpt', () =>
    withG5(async ({ ws, g5 }) => {
      g5.setBehaviour({ failWith: 'html500', failTimes: 1 });
      await assert.rejects(ws.send(gravar(customer())), (err: unknown) => {
        assert.ok(err instanceof TransportError, String(err));
        assert.equal(err.retryable, false);
        assert.match(err.message, /HTTP 500: Erro HTTP Status 500 – Internal Server Error java\.lang\.NullPointerException/);
        assert.doesNotMatch(err.message, /<|>/);
        return true;
      });
      const { answer } = await ws.send(gravar(customer()));
      assert.equal(feedback(answer)[0].retorno, 'OK', 'failTimes 1: the next request is answered normally');
    }));

  test('reports a 200 answer that is not XML as an unknown outcome', () =>
    withG5(async ({ ws, g5 }) => {
      g5.setBehaviour({ failWith: 'notXml', failTimes: 1 });
      await assert.rejects(ws.send(gravar(customer())), (err: unknown) => {
        assert.ok(err instanceof UnknownOutcome, String(err));
        assert.match(err.message, /HTTP 200 with an unreadable answer: Sapiens: serviço em manutenção/);
        return true;
      });
    }));

  test('reports a connection dropped after processing as an unknown outcome', () =>
    withG5(async ({ ws, g5 }) => {
      g5.setBehaviour({ failWith: 'dropConnection', failTimes: 1 });
      await assert.rejects(ws.send(gravar(customer())), UnknownOutcome);
      assert.equal(g5.countsByIdeExt().get('42'), 1, 'the receiver did process it: resending would duplicate');
    }));

  test('reports a receiver slower than timeoutMs as an unknown outcome', () =>
    withG5(
      async ({ ws, g5 }) => {
        g5.setBehaviour({ delayMs: 1000 });
        const started = Date.now();
        await assert.rejects(ws.send(gravar(customer())), (err: unknown) => {
          assert.ok(err instanceof UnknownOutcome, String(err));
          assert.match(err.message, /no answer within 150 ms/);
          return true;
        });
        assert.ok(Date.now() - started < 900);
      },
      { timeoutMs: 150 },
    ));

  test('retries a 503 with Retry-After, and not a 503 without it', () =>
    withG5(async ({ ws, g5 }) => {
      g5.setBehaviour({ failWith: 503, failTimes: 1, retryAfterSeconds: 7 });
      await assert.rejects(ws.send(gravar(customer())), (err: unknown) => {
        assert.ok(err instanceof TransportError, String(err));
        assert.equal(err.retryable, true);
        assert.equal(err.retryAfterMs, 7000);
        return true;
      });
      g5.setBehaviour({ failWith: 503, failTimes: 1, retryAfterSeconds: undefined });
      await assert.rejects(ws.send(gravar(customer())), (err: unknown) => {
        assert.ok(err instanceof TransportError, String(err));
        assert.equal(err.retryable, false);
        assert.match(err.message, /HTTP 503: Service Unavailable/);
        return true;
      });
    }));

  test('retries a connection refused while fetching the WSDL', async () => {
    const port = await freePort();
    const ws = createWsReceiver('g5', connection(`http://127.0.0.1:${port}`));
    try {
      await assert.rejects(ws.send(gravar(customer())), (err: unknown) => {
        assert.ok(err instanceof TransportError, String(err));
        assert.equal(err.retryable, true);
        assert.match(err.message, /ECONNREFUSED.*nothing was sent/);
        return true;
      });
    } finally {
      await ws.close?.();
    }
  });

  test('retries a connection refused by the service endpoint after the WSDL was read', async () => {
    const port = await freePort();
    await withG5(
      async ({ ws, g5 }) => {
        await assert.rejects(ws.send(gravar(customer())), (err: unknown) => {
          assert.ok(err instanceof TransportError, String(err));
          assert.equal(err.retryable, true);
          assert.match(err.message, /unreachable \(connect ECONNREFUSED/);
          return true;
        });
        assert.equal(g5.wsdlRequests, 1);
        assert.equal(g5.received.length, 0);
      },
      { endpoint: `http://127.0.0.1:${port}/g5` },
    );
  });
});

describe('WS connector: WSDL cache, security and masking', () => {
  test('reads the WSDL once per worker cache, across sends and receivers', async () => {
    const cache = createWsdlCache();
    await withG5(
      async ({ ws, g5 }) => {
        await ws.send(gravar(customer()));
        await ws.send(gravar(customer({ ideExt: 43 })));
        const other = createWsReceiver('g5-other', connection(g5.baseUrl), { wsdlCache: cache });
        try {
          await other.send(gravar(customer({ ideExt: 44 })));
        } finally {
          await other.close?.();
        }
        assert.equal(g5.wsdlRequests, 1);
        assert.equal(cache.size, 1);
      },
      {},
      cache,
    );
  });

  test('forgets a failed WSDL load so the next send tries again', async () => {
    const cache = createWsdlCache();
    let loads = 0;
    const load = async () => {
      loads += 1;
      if (loads === 1) throw new TransportError('down', true);
      return {} as never;
    };
    await assert.rejects(cache.get('http://x?wsdl', load), TransportError);
    await cache.get('http://x?wsdl', load);
    await cache.get('http://x?wsdl', load);
    assert.equal(loads, 2);
  });

  test('sends the basic auth header to the server', () =>
    withG5(
      async ({ ws, g5 }) => {
        await ws.send(gravar(customer()));
        const expected = `Basic ${Buffer.from('proxy-user:proxy-secret').toString('base64')}`;
        assert.equal(g5.received[0].authorization, expected);
      },
      { security: { basic: { user: 'proxy-user', password: 'proxy-secret' } } },
    ));

  test('masks the argument password and the WS-Security password in what it reports as sent', () =>
    withG5(
      async ({ ws, g5 }) => {
        const { sent } = await ws.send(gravar(customer()));
        assert.ok(sent);
        assert.match(sent, /<password>\*\*\*<\/password>/);
        assert.match(sent, /UsernameToken/);
        assert.doesNotMatch(sent, /S3nh@|wss-secret|&lt;G5&gt;/);
        assert.equal((g5.received[0].args as { password: string }).password, PASSWORD, 'the real password was sent');
      },
      { security: { wsSecurity: { user: 'ws-user', password: 'wss-secret' } } },
    ));
});
