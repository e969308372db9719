// GET|POST /previa and `integrador preview`: the demo chain 19 → 21 → 22 previewed on real parts (the G5
// receiver, PostgreSQL), proving nothing was sent (the receiver's own POST count) and nothing was written
// (checksums of the CRM and ledger tables before and after).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Pool } from 'pg';
import { seedDemoChain } from '../../src/dev/demo-seed';
import { cliFor } from './helpers/cli-run';
import { G5_PASSWORD, integrar, startSetEnv, TOKEN, type SetEnv } from './helpers/set-env';

const LIMITED_TOKEN = 'limited-' + TOKEN;
const TABLES = [
  'contas',
  'contas_empresas',
  'contatos',
  'pedidos',
  'itens_pedido',
  'integrador.envio',
  'integrador.integracao',
  'integrador.campos_integracao',
  'integrador.regras',
  'integrador.dependencias',
];

/** One digest over every row of every table a run could touch. */
async function checksum(crm: Pool): Promise<string> {
  const parts: string[] = [];
  for (const table of TABLES) {
    const { rows } = await crm.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS digest FROM ${table} AS t`);
    parts.push(`${table}:${rows[0].n}:${rows[0].digest}`);
  }
  return parts.join(' ');
}

const chain = { base_crm: 'demo', empresa_id: 1, integracao_servico_id: 21, contaId: 1 };

describe('GET|POST /previa', () => {
  let env: SetEnv;
  let before_: string;
  const previa = (opts: { method?: 'GET' | 'POST'; query?: Record<string, string | number>; body?: unknown; token?: string; raw?: string }) => {
    const qs = new URLSearchParams(Object.entries(opts.query ?? {}).map(([k, v]): [string, string] => [k, String(v)])).toString();
    return env.app.inject({
      method: opts.method ?? (opts.body !== undefined || opts.raw !== undefined ? 'POST' : 'GET'),
      url: `/previa${qs ? `?${qs}` : ''}`,
      headers: { ...(opts.token === '' ? {} : { TOKEN_CRM: opts.token ?? TOKEN }), ...(opts.raw !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(opts.raw !== undefined ? { payload: opts.raw } : opts.body !== undefined ? { payload: opts.body as object } : {}),
    });
  };

  before(async () => {
    env = await startSetEnv({
      seed: seedDemoChain,
      tokens: [{ sha256: createHash('sha256').update(LIMITED_TOKEN).digest('hex'), empresas: [2], nome: 'filial-2' }],
    });
    before_ = await checksum(env.crm);
  });
  after(async () => {
    await env?.close();
  });

  test('previews the demo chain 19 → 21 → 22 with a stand-in for codCli: plan, keys, envelopes; nothing sent or written', async () => {
    const res = await previa({ body: { ...chain, valores: { codCli: 1001 } } });
    assert.equal(res.statusCode, 200, res.body);
    const answer = res.json();
    assert.equal(answer.dryRun, true);
    assert.deepEqual(
      answer.plan.map((s: { id: number }) => s.id),
      [19, 21, 22],
    );
    const [contas, contatos, pedidos] = answer.integrations;

    assert.equal(contas.status, 'ok', contas.message);
    assert.deepEqual(contas.captures, ['codCli']);
    assert.deepEqual(contas.valuesLacking, []);
    assert.equal(contas.records.length, 1);
    const [conta] = contas.records;
    assert.equal(conta.key, '1');
    assert.equal(conta.request.parameters.dadosGeraisCliente.nomCli, 'Padaria Pão Dourado Ltda');
    assert.equal(conta.request.parameters.dadosGeraisCliente.definicoesCliente.length, 2, 'the component 20 rows are in the request');
    assert.equal(conta.wire.operation.endsWith('.GravarClientes'), true);
    assert.match(conta.wire.url, /^http:\/\/127\.0\.0\.1:\d+\//);
    assert.match(conta.wire.envelope, /^<\?xml version="1.0" encoding="utf-8"\?><soap:Envelope /);
    assert.match(conta.wire.envelope, /<nomCli>Padaria Pão Dourado Ltda<\/nomCli>/);
    assert.match(conta.wire.envelope, /<password>\*\*\*<\/password>/, 'the connection password is masked');
    assert.ok(!res.body.includes(G5_PASSWORD), 'the password appears nowhere in the answer');

    assert.equal(contatos.status, 'ok', contatos.message);
    assert.deepEqual(contatos.valuesUsed, { codCli: 1001 });
    assert.deepEqual(contatos.valuesLacking, []);
    assert.deepEqual(
      contatos.records.map((r: { key: string }) => r.key),
      ['1', '2'],
    );
    assert.equal(contatos.records[0].request.parameters.contato.codCli, 1001);
    assert.match(contatos.records[0].wire.envelope, /<codCli>1001<\/codCli>/);

    // 22 takes the account's code from the CRM (dependencias 1, obrigatoria): 19 has not written it back,
    // so the record fails exactly as it would in a run made before the accounts were sent
    assert.equal(pedidos.status, 'erro');
    assert.equal(pedidos.records.length, 1);
    assert.equal(pedidos.records[0].status, 'erro');
    assert.equal(pedidos.records[0].errorKind, 'mapeamento');
    assert.match(pedidos.records[0].error, /lookup dependencias id=1 is obrigatoria/);
    assert.equal(answer.success, false);
    assert.deepEqual(answer.valuesIgnored, []);

    assert.equal(env.receiver.received.length, 0, 'the receiver got no call');
    assert.ok(env.receiver.wsdlRequests > 0, 'the WSDLs were read');
    assert.equal(await checksum(env.crm), before_, 'no CRM or ledger row changed');
  });

  test('says which captured values it lacked, and a run would fail the record that needs one', async () => {
    const res = await previa({ query: chain });
    assert.equal(res.statusCode, 200, res.body);
    const contatos = res.json().integrations[1];
    assert.deepEqual(contatos.valuesLacking, ['codCli']);
    assert.equal(contatos.records[0].status, 'erro');
    assert.match(contatos.records[0].error, /codCli.*is required but empty/);
    assert.equal(env.receiver.received.length, 0);
  });

  test('takes valores as JSON text in a query string, and lists values no integration captures', async () => {
    const res = await previa({ query: { ...chain, valores: JSON.stringify({ codCli: '1001', outro: 1 }), previa_limite: 1 } });
    assert.equal(res.statusCode, 200, res.body);
    const answer = res.json();
    assert.deepEqual(answer.integrations[1].valuesUsed, { codCli: '1001' });
    assert.equal(answer.integrations[1].records.length, 1);
    assert.equal(answer.integrations[1].truncated, true);
    assert.deepEqual(answer.valuesIgnored, ['outro']);
  });

  test('the envelope is the one a run sends (compared with what the ledger kept of a refused record)', async () => {
    // account 6 has a CNPJ with wrong check digits: the receiver refuses it and the ledger keeps the envelope sent
    const ask = { base_crm: 'demo', empresa_id: 1, integracao_servico_id: 19, contaId: 6 };
    const preview = (await previa({ query: ask })).json().integrations[0].records[0];
    const run = await integrar(env, ask);
    assert.equal(run.statusCode, 502, run.body);
    const { rows } = await env.crm.query("SELECT requisicao FROM integrador.envio WHERE integracao_id = 19 AND chave = '6'");
    assert.equal(preview.wire.envelope, rows[0].requisicao);
    before_ = await checksum(env.crm); // the run wrote; later tests compare with this
  });

  test('integrador preview prints the same preview, from the command line, and sends nothing', async () => {
    const cli = cliFor(env);
    try {
      const sent = env.receiver.received.length;
      const args = ['preview', '--config', cli.configFile, '--base', 'demo', '--empresa', '1', '--integracao', '21', '--param', 'contaId=1'];
      const json = await cli.run([...args, '--value', 'codCli=1001', '--json']);
      assert.equal(json.code, 1, json.stderr); // 22's record would fail: the preview says so with exit code 1
      const answer = JSON.parse(json.stdout);
      assert.deepEqual(
        answer.plan.map((s: { id: number }) => s.id),
        [19, 21, 22],
      );
      assert.deepEqual(answer.integrations[1].valuesUsed, { codCli: '1001' });
      const text = await cli.run(args);
      assert.match(text.stdout, /plan: 19 SET-WS-CONTAS → 21 SET-WS-CONTATOS → 22 SET-WS-PEDIDOS/);
      assert.match(text.stdout, /captured values lacking \(NULL used\): codCli/);
      assert.match(text.stdout, /<nomCli>Padaria Pão Dourado Ltda<\/nomCli>/);
      assert.ok(!text.stdout.includes(G5_PASSWORD));
      const bad = await cli.run([...args, '--value', 'x-y=1']);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /valores: "x-y" is not a variable name/);
      assert.equal(env.receiver.received.length, sent);
      assert.equal(await checksum(env.crm), before_);
    } finally {
      cli.close();
    }
  });

  test('refuses bad input with the /integrar codes and changes nothing', async () => {
    const sent = env.receiver.received.length;
    const cases: Array<[string, Parameters<typeof previa>[0], number, RegExp]> = [
      ['no token', { query: chain, token: '' }, 401, /TOKEN_CRM/],
      ['wrong token', { query: chain, token: 'nope' }, 401, /wrong TOKEN_CRM/],
      ['token without the company', { query: chain, token: LIMITED_TOKEN }, 403, /may not run empresa 1/],
      ['unknown base', { query: { ...chain, base_crm: 'outra' } }, 404, /unknown base_crm outra/],
      ['unknown integration', { query: { ...chain, integracao_servico_id: 999 } }, 404, /999/],
      ['missing parameter', { query: { base_crm: 'demo', empresa_id: 1, integracao_servico_id: 21 } }, 400, /contaId/],
      ['malformed JSON body', { raw: '{"base_crm": "demo", ' }, 400, /JSON/],
      ['a value that is an object', { body: { ...chain, valores: { codCli: { x: 1 } } } }, 400, /valores\.codCli must be text or a number/],
      ['a value that is null', { body: { ...chain, valores: { codCli: null } } }, 400, /valores\.codCli must be text or a number, not null/],
      ['a value that is a boolean', { body: { ...chain, valores: { codCli: true } } }, 400, /not boolean/],
      ['valores that are not an object', { body: { ...chain, valores: [1, 2] } }, 400, /valores must be a JSON object/],
      ['valores that are not JSON', { query: { ...chain, valores: '{codCli:1}' } }, 400, /valores must be a JSON object/],
      ['a limit out of range', { query: { ...chain, previa_limite: 100000 } }, 400, /previa_limite/],
      ['an oversized body', { body: { ...chain, valores: { codCli: 'x'.repeat(70_000) } } }, 413, /too large/],
    ];
    for (const [name, opts, status, message] of cases) {
      const res = await previa(opts);
      assert.equal(res.statusCode, status, `${name}: ${res.body}`);
      assert.equal(res.json().success, false, name);
      assert.match(res.json().message, message, name);
    }
    assert.equal(env.receiver.received.length, sent, 'no bad request reached the receiver');
    assert.equal(await checksum(env.crm), before_, 'no bad request changed a row');
  });
});
