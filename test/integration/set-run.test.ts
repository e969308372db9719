// The seed's SET-WS-CONTAS end to end on real parts: API → Temporal workflow → CRM query → SOAP send to the
// G5-like receiver → answer → write-back in the CRM. Every run is also replayed against the workflow code.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../../src/worker';
import { historyText } from './helpers/history-text';
import { G5_PASSWORD, integrar, startSetEnv, TOKEN, type SetEnv } from './helpers/set-env';

const ask = (contaId: number | string, extra: Record<string, string | number> = {}) => ({
  base_crm: 'demo',
  empresa_id: 1,
  integracao_servico_id: 19,
  contaId,
  ...extra,
});

async function idErp(env: SetEnv, id: number): Promise<string | null> {
  const res = await env.crm.query('SELECT id_erp FROM contas WHERE id = $1', [id]);
  return res.rows[0].id_erp;
}

async function replays(env: SetEnv, workflowId: string) {
  const history = await env.client.handle(workflowId).fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowId);
}

describe('SET-WS-CONTAS on Temporal', () => {
  let env: SetEnv;
  before(async () => {
    env = await startSetEnv();
  });
  after(async () => {
    await env?.close();
  });

  test('sends an account and writes the ERP code back into contas.id_erp', async () => {
    const res = await integrar(env, ask(1));
    const body = res.json();
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(body.success, true);
    const [integration] = body.integrations;
    assert.equal(integration.id, 19);
    assert.equal(integration.status, 'ok');
    assert.equal(integration.records.length, 1);
    const record = integration.records[0];
    assert.equal(record.key, '1');
    assert.equal(record.status, 'gravado');
    const codCli = record.values.codCli;
    assert.ok(Number(codCli) >= 1001, `codCli ${codCli}`);
    assert.equal(await idErp(env, 1), String(codCli));

    // what the ERP received: the G5 shape, with the component's definicoesCliente and the connection's args
    assert.equal(env.receiver.received.length, 1);
    const args = env.receiver.received[0]!.args as any;
    assert.equal(args.user, 'integrador');
    const customer = [args.parameters.dadosGeraisCliente].flat()[0];
    assert.equal(customer.nomCli, 'Padaria Pão Dourado Ltda');
    assert.match(String(customer.cgcCpf), /^\d{14}$/);
    assert.equal([customer.definicoesCliente].flat().length, 2);
    await replays(env, body.workflowId);
  });

  test('a business error from the receiver returns its message and writes nothing back', async () => {
    const before = env.receiver.received.length;
    const res = await integrar(env, ask(6));
    const body = res.json();
    assert.equal(res.statusCode, 502, res.body);
    assert.equal(body.success, false);
    assert.match(body.message, /SET-WS-CONTAS/);
    assert.match(body.message, /inválido/);
    assert.equal(body.integrations[0].records[0].status, 'erro');
    assert.equal(env.receiver.received.length, before + 1);
    assert.equal(await idErp(env, 6), null);
    await replays(env, body.workflowId);
  });

  test('identical requests in flight join one run, and the account is sent once', async () => {
    env.receiver.setBehaviour({ delayMs: 1500 });
    try {
      const before = env.receiver.received.length;
      const [a, b] = await Promise.all([integrar(env, ask(2)), integrar(env, ask(2))]);
      assert.equal(a.statusCode, 200, a.body);
      assert.equal(b.statusCode, 200, b.body);
      assert.equal(a.json().workflowId, b.json().workflowId);
      assert.equal(env.receiver.received.length, before + 1);
    } finally {
      env.receiver.setBehaviour({ delayMs: 0 });
    }
  });

  test('aguardar=false answers 202 and /execucoes follows the run to completion', async () => {
    const res = await integrar(env, ask(3, { aguardar: 'false' }));
    assert.equal(res.statusCode, 202, res.body);
    const { workflowId } = res.json();
    await env.client.handle(workflowId).result();
    const status = await env.app.inject({ method: 'GET', url: `/execucoes/${workflowId}?base_crm=demo`, headers: { TOKEN_CRM: TOKEN } });
    assert.equal(status.statusCode, 200, status.body);
    const body = status.json();
    assert.equal(body.status, 'completed');
    assert.equal(body.integrations[0].records[0].status, 'gravado');
    const noToken = await env.app.inject({ method: 'GET', url: `/execucoes/${workflowId}?base_crm=demo` });
    assert.equal(noToken.statusCode, 401);
  });

  test('a missing or wrong TOKEN_CRM is refused with 401 and nothing is sent', async () => {
    const before = env.receiver.received.length;
    const missing = await integrar(env, ask(4), {});
    assert.equal(missing.statusCode, 401);
    assert.match(missing.json().message, /TOKEN_CRM/);
    const wrong = await integrar(env, ask(4), { TOKEN_CRM: 'not-the-token' });
    assert.equal(wrong.statusCode, 401);
    assert.equal(env.receiver.received.length, before);
    assert.equal(await idErp(env, 4), null);
  });

  test('a missing required parameter is refused with 400 naming it, and nothing is sent', async () => {
    const before = env.receiver.received.length;
    const res = await integrar(env, { base_crm: 'demo', empresa_id: 1, integracao_servico_id: 19 });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().parameter, 'contaId');
    assert.match(res.json().message, /contaId/);
    assert.equal(env.receiver.received.length, before);
  });

  test('an unknown integration or base is 404, another company is 403', async () => {
    const unknown = await integrar(env, ask(1, { integracao_servico_id: 999 }));
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.json().message, /999/);
    const base = await integrar(env, ask(1, { base_crm: 'nope' }));
    assert.equal(base.statusCode, 404);
    assert.match(base.json().message, /base_crm/);
    const company = await integrar(env, ask(1, { empresa_id: 2 }));
    assert.equal(company.statusCode, 403);
  });

  test('the connection password never reaches the workflow history or the ledger', async () => {
    const res = await integrar(env, ask(5));
    assert.equal(res.statusCode, 200, res.body);
    const history = await env.client.handle(res.json().workflowId).fetchHistory();
    // payloads are bytes: decode them, and prove the decoding reads the plan
    const text = historyText(history).join('\n');
    assert.match(text, /SET-WS-CONTAS-DEFINICOES/);
    assert.ok(!text.includes(G5_PASSWORD), 'password in history');
    assert.ok(!text.includes(TOKEN), 'token in history');
    const ledger = await env.crm.query('SELECT requisicao, resposta::text, erro FROM integrador.envio');
    assert.ok(ledger.rows.length > 0);
    assert.ok(!JSON.stringify(ledger.rows).includes(G5_PASSWORD), 'password in ledger');
  });
});
