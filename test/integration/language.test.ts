// The configuration language end to end on real parts: account (19) → contact (21) → order (22, items
// component 23) through the API, Temporal, the CRM and the G5-like receiver. What the receiver got is the
// proof: captured values, lookups, rules, components, comma decimals and dd/MM/yyyy dates.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Worker } from '@temporalio/worker';
import { seedDemoChain } from '../../src/dev/demo-seed';
import type { G5Operation } from '../../src/dev/g5-receiver';
import { workflowBundle } from '../../src/worker';
import { integrar, startSetEnv, type SetEnv } from './helpers/set-env';

const ask = (integracao: number, contaId: number) => ({ base_crm: 'demo', empresa_id: 1, integracao_servico_id: integracao, contaId });

async function replays(env: SetEnv, workflowId: string) {
  const history = await env.client.handle(workflowId).fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowId);
}

/** The `parameters` part of each request the receiver got for `operation` since `from`. */
function sent(env: SetEnv, operation: G5Operation, from = 0): any[] {
  return env.receiver.received
    .slice(from)
    .filter((r) => r.operation === operation)
    .map((r) => (r.args as any).parameters);
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

async function accountId(env: SetEnv, nome: string): Promise<number> {
  return (await env.crm.query('SELECT id FROM contas WHERE nome = $1', [nome])).rows[0].id;
}

describe('configuration language: account → contact → order', () => {
  let env: SetEnv;
  before(async () => {
    env = await startSetEnv();
    await seedDemoChain(env.crm);
  });
  after(async () => {
    await env?.close();
  });

  test('asking for the contact runs the account before it and the order after it, with captured values, lookups, rules and components', async () => {
    const from = env.receiver.received.length;
    const res = await integrar(env, ask(21, 1));
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.success, true, body.message);
    assert.deepEqual(
      body.integrations.map((i: any) => [i.id, i.status]),
      [
        [19, 'ok'],
        [21, 'ok'],
        [22, 'ok'],
      ],
    );
    assert.deepEqual(
      env.receiver.received.slice(from).map((r) => r.operation),
      ['GravarClientes', 'GravarContatos', 'GravarContatos', 'GravarPedidos'],
    );

    // 19: the account, CNPJ chosen by CONDICAO (tipo_pessoa J), digits only, with its component
    const [customer] = list(sent(env, 'GravarClientes', from)[0].dadosGeraisCliente) as any[];
    assert.equal(customer.tipCli, 'J');
    assert.match(String(customer.cgcCpf), /^\d{14}$/);
    assert.equal(list(customer.definicoesCliente).length, 2);
    const codCli = Number(body.integrations[0].records[0].values.codCli);
    assert.ok(codCli >= 1001);

    // 21: #codCli# captured from 19's answer; MAIUSCULAS, DE_PARA then PADRAO, SOMENTE_DIGITOS, texto, data, booleano
    const contacts = sent(env, 'GravarContatos', from).map((p) => list(p.contato)[0] as any);
    assert.deepEqual(
      contacts.map((c) => Number(c.codCli)),
      [codCli, codCli],
    );
    assert.deepEqual(
      contacts.map((c) => c.nomCto),
      ['ANA PAULA FERREIRA', 'JOSÉ CARLOS SCHMITT'],
    );
    assert.deepEqual(
      contacts.map((c) => c.carCto),
      ['COM', 'FIN'],
    );
    assert.equal(contacts[0].cpfCto, '11144477735');
    assert.equal(contacts[0].fonCto, '(47) 3322-1101');
    assert.equal(contacts[0].datNas, '12/04/1985');
    assert.equal(contacts[0].sitCto, 'A');
    const seqCtos = body.integrations[1].records.map((r: any) => Number(r.values.seqCto));
    assert.deepEqual(seqCtos, [1, 2]);
    const written = await env.crm.query('SELECT id_erp FROM contatos WHERE conta_id = 1 ORDER BY id');
    assert.deepEqual(
      written.rows.map((r) => r.id_erp),
      [1, 2],
    );

    // 22: codCli and seqCto looked up in the CRM (19 and 21 wrote them back); comma decimals, dates, items
    const [order] = list(sent(env, 'GravarPedidos', from)[0].pedido) as any[];
    assert.equal(Number(order.codCli), codCli);
    assert.equal(Number(order.seqCto), 1);
    assert.equal(order.pedCli, 'OC-2025/0042');
    assert.equal(order.datEmi, '05/03/2025');
    assert.equal(order.datPrv, '20/03/2025');
    assert.equal(order.codCpg, '090');
    const observacao = 'Entregar pela doca 2, no período da manhã; portaria exige agendamento prévio';
    assert.equal(order.obsPed, Array.from(observacao).slice(0, 40).join('').toUpperCase());
    assert.equal(order.vlrTot, '21634,05');
    assert.deepEqual(
      list(order.produto).map((p: any) => [p.codPro, p.qtdPed, p.preUni, p.perDsc]),
      [
        ['FAR-TR-25', '40,00', '89,90', '0,00'],
        ['FER-BIO-500', '12,50', '12,35', '5,00'],
        ['MAR-FO-10', '1,00', '18350,20', '2,50'],
      ],
    );
    const numPed = Number(body.integrations[2].records[0].values.numPed);
    const pedido = await env.crm.query('SELECT numero_erp, situacao FROM pedidos WHERE conta_id = 1');
    assert.deepEqual(pedido.rows, [{ numero_erp: numPed, situacao: 'integrado' }]);
    await replays(env, body.workflowId);
  });

  test('a person gets her CPF by CONDICAO, and integrations with nothing to send succeed and say so', async () => {
    const from = env.receiver.received.length;
    const res = await integrar(env, ask(21, await accountId(env, 'Maria Aparecida dos Santos')));
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(
      body.integrations.map((i: any) => [i.id, i.status]),
      [
        [19, 'ok'],
        [21, 'vazio'],
        [22, 'vazio'],
      ],
    );
    assert.match(body.integrations[1].message, /nothing to send/);
    const [customer] = list(sent(env, 'GravarClientes', from)[0].dadosGeraisCliente) as any[];
    assert.equal(customer.tipCli, 'F');
    assert.equal(String(customer.cgcCpf), '52998224725');
    assert.deepEqual(
      env.receiver.received.slice(from).map((r) => r.operation),
      ['GravarClientes'],
    );
  });

  test('a contact the ERP refuses stops the order, and the answer names the failed integration', async () => {
    const conta = 4;
    await env.crm.query(
      `INSERT INTO contatos (conta_id, nome, cargo, cpf, ddd, telefone) VALUES ($1, 'Pedro Henrique Lima', 'Vendas', '123.456.789-00', '41', '3015-2240')`,
      [conta],
    );
    await env.crm.query(`INSERT INTO pedidos (conta_id, numero_cliente, emitido_em) VALUES ($1, 'SV-1', '2025-03-10')`, [conta]);
    const pedidoId = (await env.crm.query('SELECT id FROM pedidos WHERE conta_id = $1', [conta])).rows[0].id;
    await env.crm.query(`INSERT INTO itens_pedido (pedido_id, codigo_produto, quantidade, preco_unitario) VALUES ($1, 'ALC-70', 24, 9.9)`, [pedidoId]);
    const from = env.receiver.received.length;

    const res = await integrar(env, ask(21, conta));
    assert.equal(res.statusCode, 502, res.body);
    const body = res.json();
    assert.equal(body.success, false);
    assert.match(body.message, /integracao 21 \(SET-WS-CONTATOS\) failed/);
    assert.match(body.message, /CPF do contato inválido/);
    assert.deepEqual(
      body.integrations.map((i: any) => [i.id, i.status]),
      [
        [19, 'ok'],
        [21, 'erro'],
        [22, 'nao_executada'],
      ],
    );
    assert.match(body.integrations[2].message, /integracao 21 failed/);
    assert.deepEqual(sent(env, 'GravarPedidos', from), []);
    const pedido = await env.crm.query('SELECT numero_erp, situacao FROM pedidos WHERE id = $1', [pedidoId]);
    assert.deepEqual(pedido.rows, [{ numero_erp: null, situacao: 'aberto' }]);
    await replays(env, body.workflowId);
  });

  test('an empty obrigatorio field is a record error naming the field, and that record is not sent', async () => {
    const conta = 5;
    await env.crm.query(`INSERT INTO contatos (conta_id, nome, cargo, ddd, telefone) VALUES ($1, '   ', 'Compras', '51', '3344-9091')`, [conta]);
    const from = env.receiver.received.length;
    const res = await integrar(env, ask(21, conta));
    const body = res.json();
    assert.equal(res.statusCode, 422, res.body);
    assert.equal(body.success, false);
    const contact = body.integrations.find((i: any) => i.id === 21);
    assert.equal(contact.status, 'erro');
    assert.equal(contact.records[0].status, 'erro');
    assert.match(contact.records[0].message, /field parameters\.contato\.nomCto \(campos_integracao id=2102\) is required but empty/);
    assert.deepEqual(sent(env, 'GravarContatos', from), []);
    assert.equal(body.integrations.find((i: any) => i.id === 22).status, 'nao_executada');
  });

  test('a component asked for on its own is a bad request and nothing runs', async () => {
    const from = env.receiver.received.length;
    const res = await integrar(env, ask(23, 1));
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.json().message, /integracao 23 is a component/);
    assert.equal(env.receiver.received.length, from);
  });
});
