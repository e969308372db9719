// The demo Senior G5 receiver on its own, driven by a plain node-soap client: the WSDL shape, the
// business answers (codCli, CNPJ/CPF check, wrong password) and the failure knobs other tests rely on.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as soap from 'soap';
import { isValidDocument, startG5Receiver, type G5Receiver } from '../../src/dev/g5-receiver';

type Call = (args: object) => Promise<[{ result: Record<string, unknown> }]>;

/** Starts a receiver and a plain soap client for it, runs `fn`, and stops the receiver. */
async function withReceiver(fn: (g5: G5Receiver, gravar: Call) => Promise<void>) {
  const g5 = await startG5Receiver({ user: 'integrador', password: 'senha' });
  try {
    const client = await soap.createClientAsync(`${g5.baseUrl}${g5.wsdlPath}?wsdl`, { disableCache: true });
    const gravar: Call = (args) => (client as unknown as { GravarClientesAsync: Call }).GravarClientesAsync(args);
    await fn(g5, gravar);
  } finally {
    await g5.close();
  }
}

const login = { user: 'integrador', password: 'senha', encryption: 0 };
const request = (...dadosGeraisCliente: object[]) => ({ ...login, parameters: { dadosGeraisCliente } });
const items = (answer: { result: Record<string, unknown> }) => {
  const value = answer.result.retornosClientes;
  return (Array.isArray(value) ? value : [value]) as Array<Record<string, unknown>>;
};

describe('G5 receiver: WSDL', () => {
  test('serves an rpc/literal GravarClientes WSDL in the Senior namespace and counts its reads', async () => {
    const g5 = await startG5Receiver();
    try {
      const res = await fetch(`${g5.baseUrl}${g5.wsdlPath}?wsdl`);
      const wsdl = await res.text();
      assert.equal(res.status, 200);
      assert.match(wsdl, /targetNamespace="http:\/\/services\.senior\.com\.br"/);
      assert.match(wsdl, /<soap:binding style="rpc"/);
      assert.match(wsdl, /<soap:body use="literal"/);
      for (const part of ['user', 'password', 'encryption', 'parameters', 'result']) {
        assert.match(wsdl, new RegExp(`<wsdl:part name="${part}"`));
      }
      assert.match(wsdl, /name="dadosGeraisCliente"[^>]*maxOccurs="unbounded"/);
      assert.match(wsdl, /name="definicoesCliente"[^>]*maxOccurs="unbounded"/);
      assert.match(wsdl, new RegExp(`<soap:address location="${g5.baseUrl}${g5.wsdlPath}"`));
      assert.equal(g5.wsdlRequests, 1);
    } finally {
      await g5.close();
    }
  });
});

describe('G5 receiver: GravarClientes', () => {
  test('assigns codCli from 1001 and gives a known cgcCpf its code back', () =>
    withReceiver(async (g5, gravar) => {
      const [first] = await gravar(
        request(
          { nomCli: 'ACME', tipCli: 'J', cgcCpf: '11.222.333/0001-81', ideExt: 1 },
          { nomCli: 'Maria', tipCli: 'F', cgcCpf: '529.982.247-25', ideExt: 2 },
        ),
      );
      assert.equal(first.result.tipoRetorno, '1');
      assert.equal(first.result.erroExecucao, null);
      assert.deepEqual(
        items(first).map((i) => [i.codCli, i.retorno]),
        [
          ['1001', 'OK'],
          ['1002', 'OK'],
        ],
      );
      const [again] = await gravar(request({ nomCli: 'ACME S/A', cgcCpf: '11222333000181', ideExt: 3 }));
      assert.equal(items(again)[0].codCli, '1001');
    }));

  test('refuses a CNPJ or CPF with wrong check digits, without a codCli', () =>
    withReceiver(async (g5, gravar) => {
      const [answer] = await gravar(
        request({ nomCli: 'ACME', cgcCpf: '11.222.333/0001-82', ideExt: 1 }, { nomCli: 'Maria', cgcCpf: '529.982.247-24', ideExt: 2 }),
      );
      assert.equal(answer.result.tipoRetorno, '1', 'the request was processed; each customer has its own retorno');
      assert.deepEqual(items(answer), [
        { cgcCpf: '11.222.333/0001-82', ideExt: '1', retorno: 'CNPJ/CPF inválido: 11.222.333/0001-82' },
        { cgcCpf: '529.982.247-24', ideExt: '2', retorno: 'CNPJ/CPF inválido: 529.982.247-24' },
      ]);
    }));

  test('refuses a customer without nomCli', () =>
    withReceiver(async (g5, gravar) => {
      const [answer] = await gravar(request({ cgcCpf: '11222333000181', ideExt: 1 }));
      assert.equal(items(answer)[0].retorno, 'Nome do cliente não informado');
    }));

  test('answers tipoRetorno 2 and no retornosClientes to a wrong password', () =>
    withReceiver(async (g5, gravar) => {
      const [answer] = await gravar({ ...request({ nomCli: 'ACME', cgcCpf: '11222333000181' }), password: 'x' });
      assert.equal(answer.result.tipoRetorno, '2');
      assert.equal(answer.result.erroExecucao, 'Usuário ou senha inválidos');
      assert.equal(answer.result.retornosClientes, undefined);
    }));

  test('records every request with its nested definicoesCliente and counts customers by ideExt', () =>
    withReceiver(async (g5, gravar) => {
      await gravar(request({ nomCli: 'A', cgcCpf: '11222333000181', ideExt: 7, definicoesCliente: [{ codEmp: 1, codFil: 2 }] }));
      await gravar(request({ nomCli: 'A', cgcCpf: '11222333000181', ideExt: 7 }, { nomCli: 'B', cgcCpf: '11444777000161', ideExt: 8 }));
      assert.equal(g5.received.length, 2);
      const args = g5.received[0].args as { parameters: { dadosGeraisCliente: { definicoesCliente: unknown } } };
      assert.deepEqual(args.parameters.dadosGeraisCliente.definicoesCliente, { codEmp: '1', codFil: '2' });
      assert.deepEqual(
        [...g5.countsByIdeExt()],
        [
          ['7', 2],
          ['8', 1],
        ],
      );
    }));
});

describe('G5 receiver: behaviour knobs', () => {
  test('fails failTimes requests the chosen way, then answers normally', () =>
    withReceiver(async (g5, gravar) => {
      g5.setBehaviour({ failWith: 'html500', failTimes: 2 });
      const body = request({ nomCli: 'ACME', cgcCpf: '11222333000181', ideExt: 1 });
      await assert.rejects(gravar(body), /Cannot parse response/);
      await assert.rejects(gravar(body), /Cannot parse response/);
      const [answer] = await gravar(body);
      assert.equal(items(answer)[0].retorno, 'OK');
      assert.equal(g5.received.length, 1, 'the HTML 500 requests never reached the service');
    }));

  test('answers a SOAP 1.1 fault with HTTP 500', () =>
    withReceiver(async (g5, gravar) => {
      g5.setBehaviour({ failWith: 'fault', failTimes: 1 });
      await assert.rejects(gravar(request()), (err: { message: string; response?: { status: number } }) => {
        assert.match(err.message, /soap:Server: Falha interna do Sapiens/);
        assert.equal(err.response?.status, 500);
        return true;
      });
    }));

  test('answers 503 with the Retry-After header it was given', async () => {
    const g5 = await startG5Receiver();
    try {
      g5.setBehaviour({ failWith: 503, failTimes: 1, retryAfterSeconds: 30 });
      const res = await fetch(`${g5.baseUrl}${g5.wsdlPath}`, { method: 'POST', body: '<x/>' });
      await res.text();
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '30');
    } finally {
      await g5.close();
    }
  });

  test('answers late by delayMs', () =>
    withReceiver(async (g5, gravar) => {
      g5.setBehaviour({ delayMs: 200 });
      const started = Date.now();
      await gravar(request({ nomCli: 'ACME', cgcCpf: '11222333000181' }));
      assert.ok(Date.now() - started >= 190);
    }));

  test('stops listening on close', async () => {
    const g5 = await startG5Receiver();
    await g5.close();
    await assert.rejects(fetch(`${g5.baseUrl}${g5.wsdlPath}?wsdl`));
  });
});

describe('G5 receiver: document check digits', () => {
  test('accepts valid CNPJ and CPF digits and refuses the rest', () => {
    assert.equal(isValidDocument('11222333000181'), true);
    assert.equal(isValidDocument('11444777000161'), true);
    assert.equal(isValidDocument('52998224725'), true);
    assert.equal(isValidDocument('11222333000182'), false);
    assert.equal(isValidDocument('52998224724'), false);
    assert.equal(isValidDocument('11111111111'), false, 'repeated digits pass the arithmetic but are invalid');
    assert.equal(isValidDocument('1122233300018'), false);
    assert.equal(isValidDocument(''), false);
  });
});
