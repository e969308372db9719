// GET /execucoes/{workflowId}: a run's history while it runs and after, and finding runs in Temporal by
// the search attributes set at start.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { integrar, startSetEnv, TOKEN, type SetEnv } from './helpers/set-env';

const ask = (contaId: number, extra: Record<string, string | number> = {}) => ({
  base_crm: 'demo',
  empresa_id: 1,
  integracao_servico_id: 19,
  contaId,
  ...extra,
});

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('GET /execucoes/{workflowId}', () => {
  let env: SetEnv;
  const execucao = (workflowId: string, query = 'base_crm=demo', headers: Record<string, string> = { TOKEN_CRM: TOKEN }) =>
    env.app.inject({ method: 'GET', url: `/execucoes/${workflowId}?${query}`, headers });

  before(async () => {
    env = await startSetEnv();
  });
  after(async () => {
    env?.receiver.setBehaviour({ delayMs: 0 });
    await env?.close();
  });

  test('follows a run while it is running, then shows it completed with each record', async () => {
    env.receiver.setBehaviour({ delayMs: 2500 });
    let workflowId: string;
    try {
      const res = await integrar(env, ask(1, { aguardar: 'false' }));
      assert.equal(res.statusCode, 202, res.body);
      workflowId = res.json().workflowId;
      const running = await until('a record being sent', async () => {
        const body = (await execucao(workflowId)).json();
        return body.integrations?.[0]?.records?.[0]?.status === 'enviando' ? body : undefined;
      });
      assert.equal(running.status, 'running');
      assert.equal(running.temporalStatus, 'RUNNING');
      assert.equal(running.success, false);
      assert.equal(running.workflowId, workflowId);
      assert.equal(running.closedAt, null);
      assert.match(running.summary.resumo, /integracao=19/);
      const [integration] = running.integrations;
      assert.equal(integration.id, 19);
      assert.equal(integration.name, 'SET-WS-CONTAS');
      assert.equal(integration.status, 'executando');
      assert.deepEqual(integration.counts, { enviando: 1 });
      assert.equal(integration.records[0].key, '1');
      assert.equal(integration.records[0].attempts, 1);
    } finally {
      env.receiver.setBehaviour({ delayMs: 0 });
    }
    await env.client.handle(workflowId).result();
    const done = (await execucao(workflowId)).json();
    assert.equal(done.status, 'completed');
    assert.equal(done.success, true);
    assert.ok(done.closedAt);
    const record = done.integrations[0].records[0];
    assert.equal(record.status, 'gravado');
    assert.ok(Number(record.values.codCli) >= 1001);
    assert.equal(record.attempts, 1);
    assert.equal(record.message, 'OK');
  });

  test('a run whose record was refused is failed, with the error on the record', async () => {
    const res = await integrar(env, ask(6));
    assert.equal(res.statusCode, 502, res.body);
    const body = (await execucao(res.json().workflowId)).json();
    assert.equal(body.status, 'failed');
    assert.equal(body.temporalStatus, 'COMPLETED');
    assert.equal(body.integrations[0].status, 'erro');
    assert.equal(body.integrations[0].records[0].status, 'erro');
    assert.match(body.integrations[0].records[0].message, /inválido/);
  });

  test('a terminated run is failed and says why', async () => {
    env.receiver.setBehaviour({ delayMs: 2000 });
    try {
      const res = await integrar(env, ask(2, { aguardar: 'false' }));
      const { workflowId } = res.json();
      await until('the send', async () => ((await execucao(workflowId)).json().integrations?.[0]?.records?.length ? true : undefined));
      await env.client.handle(workflowId).terminate('stopped by an operator');
      const body = (await execucao(workflowId)).json();
      assert.equal(body.status, 'failed');
      assert.equal(body.temporalStatus, 'TERMINATED');
      assert.match(body.message, /stopped by an operator/);
      assert.equal(body.integrations[0].name, 'SET-WS-CONTAS');
    } finally {
      env.receiver.setBehaviour({ delayMs: 0 });
    }
  });

  test('answers 400 without base_crm, 401 without the token, 404 for an unknown run or another base', async () => {
    const res = await integrar(env, ask(3));
    const { workflowId } = res.json();
    assert.equal((await execucao(workflowId, '')).statusCode, 400);
    assert.equal((await execucao(workflowId, 'base_crm=demo', {})).statusCode, 401);
    assert.equal((await execucao(workflowId, 'base_crm=demo', { TOKEN_CRM: 'wrong' })).statusCode, 401);
    assert.equal((await execucao('set-demo-1-19-0000000000000000')).statusCode, 404);
    assert.equal((await execucao(workflowId, 'base_crm=other')).statusCode, 404);
    // a wrong token cannot tell whether a run exists
    assert.equal((await execucao('set-demo-1-19-0000000000000000', 'base_crm=demo', { TOKEN_CRM: 'wrong' })).statusCode, 401);
    assert.equal((await execucao('set-other-1-19-0000000000000000', 'base_crm=demo', { TOKEN_CRM: 'wrong' })).statusCode, 401);
  });

  test('runs are found in Temporal by base and integration (search attributes), with a readable memo', async () => {
    const res = await integrar(env, ask(4));
    assert.equal(res.statusCode, 200, res.body);
    const { workflowId } = res.json();
    const query = 'IntegradorBase = "demo" AND IntegradorIntegracao = 19';
    const found = await until('the run in visibility', async () => {
      for await (const run of env.client.temporal.workflow.list({ query })) if (run.workflowId === workflowId) return run;
      return undefined;
    });
    assert.equal(found.type, 'setRun');
    assert.equal(found.taskQueue, env.taskQueue);
    const description = await env.client.handle(workflowId).describe();
    assert.deepEqual(description.memo?.parametros, ['contaId']);
    assert.equal(description.memo?.resumo, 'SET base=demo empresa=1 integracao=19 params=contaId');
    const none = env.client.temporal.workflow.list({ query: `IntegradorBase = "demo" AND IntegradorIntegracao = 20 AND WorkflowId = "${workflowId}"` });
    for await (const run of none) assert.fail(`unexpected ${run.workflowId}`);
  });
});
