// Defects the attack suite found (KD1-KD10 in docs/attack-suite.md), each fixed; these keep them fixed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CONEXAO, OTHER_BASE, SECRETS, startAttackEnv, type AttackEnv } from './helpers/attack-env';
import { copyOf19 } from './helpers/broken-rows';
import { ask, integrar, snapshot } from './helpers/probe';

describe('attack suite regressions (KD1-KD10)', { timeout: 15 * 60_000 }, () => {
  let env: AttackEnv;
  before(async () => {
    env = await startAttackEnv();
  });
  after(async () => {
    await env?.close();
  });

  test('KD1 an SQL error in sql_update is a configuration error found before anything is sent', async () => {
    await copyOf19(env.crm, 601, { sql_update: 'UPDATE contas SET id_erp = #codCli# WHER id = #contaId#' });
    const before = await snapshot(env);
    const res = await integrar(env, ask({ integracao_servico_id: 601, contaId: 2 }));
    assert.equal(res.statusCode, 422, res.body);
    assert.match(res.json().message, /integracao id=601 sql_update: .*42601/);
    assert.equal((await snapshot(env)).sent, before.sent, 'the record was sent although its write-back cannot run');
  });

  test('KD2 a value PostgreSQL cannot read as the column type is a 400 naming the parameter', async () => {
    const res = await integrar(env, ask({ contaId: '1 OR 1=1' }));
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().parameter, 'contaId');
  });

  test('KD3 a configuration error found while the run queries the CRM keeps its located issues', async () => {
    await copyOf19(env.crm, 602, { consulta: JSON.stringify({ consulta: 'SELEC * FROM contas WHERE id = #contaId#' }) });
    const res = await integrar(env, ask({ integracao_servico_id: 602 }));
    assert.equal(res.statusCode, 422, res.body);
    assert.deepEqual(
      (res.json().issues ?? []).map((i: { table: string; row: number; column: string }) => [i.table, i.row, i.column]),
      [['integracao', 602, 'consulta']],
    );
  });

  test('KD4 a JSON answer from a WS receiver is an unreadable answer, not a crashed activity', async () => {
    await copyOf19(env.crm, 603, { conexao_integracao_id: CONEXAO.raw });
    env.raw.answerWith('json');
    const res = await integrar(env, ask({ integracao_servico_id: 603, contaId: 1 }));
    assert.equal(res.statusCode, 502, res.body);
    assert.match(res.json().message, /HTTP 200 with an unreadable answer/);
    assert.doesNotMatch(res.json().message, /earlier attempt was interrupted/);
  });

  test('KD5 a 20 MB answer is refused or bounded: the ledger never stores megabytes per record', async () => {
    await copyOf19(env.crm, 604, { conexao_integracao_id: CONEXAO.raw });
    env.raw.answerWith('huge');
    const res = await integrar(env, ask({ integracao_servico_id: 604, contaId: 3 }));
    const ledger = await env.crm.query(`SELECT max(length(resposta::text)) AS n FROM integrador.envio WHERE integracao_id = 604`);
    assert.ok(Number(ledger.rows[0].n ?? 0) < 1024 * 1024, `the ledger keeps ${ledger.rows[0].n} characters of answer (HTTP ${res.statusCode})`);
  });

  test('KD6 /execucoes never shows a run of another base whose name starts like this one', async () => {
    const other = await integrar(env, { base_crm: OTHER_BASE, empresa_id: 1, integracao_servico_id: 19, contaId: 1 }, { TOKEN_CRM: SECRETS.tokenOutra });
    assert.equal(other.statusCode, 200, other.body);
    const workflowId: string = other.json().workflowId;
    assert.ok(workflowId.startsWith(`set-${OTHER_BASE}-`));
    const peek = await env.app.inject({ method: 'GET', url: `/execucoes/${workflowId}?base_crm=demo`, headers: { TOKEN_CRM: SECRETS.token } });
    assert.equal(peek.statusCode, 404, `base demo's token read base ${OTHER_BASE}'s run: ${peek.body.slice(0, 300)}`);
  });

  test('KD7 a token put in the URL by mistake does not reach the request log', async () => {
    await integrar(env, ask({ TOKEN_CRM: SECRETS.token }));
    assert.ok(!env.logs.join('\n').includes(SECRETS.token), 'fastify logged the URL with the token');
  });

  test('KD8 a porta_ws the WSDL does not have is a configuration error, not an uncertain send', async () => {
    await copyOf19(env.crm, 605, { porta_ws: 'GravarFornecedores' });
    const before = await snapshot(env);
    const res = await integrar(env, ask({ integracao_servico_id: 605, contaId: 4 }));
    assert.equal((await snapshot(env)).sent, before.sent);
    assert.equal(res.statusCode, 422, res.body);
    assert.notEqual(res.json().integrations?.[0]?.records?.[0]?.status, 'incerto', res.body);
  });

  test("KD9 the answer of a run lists that run's records, not those of an earlier run with the same id", async () => {
    await copyOf19(env.crm, 606);
    const first = await integrar(env, ask({ integracao_servico_id: 606, contaId: 5 }));
    assert.equal(first.statusCode, 200, first.body);
    await env.crm.query(`UPDATE integrador.integracao SET consulta = $1 WHERE id = 606`, [
      JSON.stringify({ consulta: 'SELECT * FROM contas WHERE id = #contaId# AND coluna_errada = 1' }),
    ]);
    const second = await integrar(env, ask({ integracao_servico_id: 606, contaId: 5 }));
    assert.equal(second.statusCode, 422, second.body);
    // refused before a workflow exists (the consulta is described against the CRM first), so no records at all
    assert.deepEqual(second.json().integrations?.[0]?.records ?? [], [], "the failed run shows the earlier run's gravado record");
    assert.deepEqual(
      second.json().issues.map((i: { row: number; column: string }) => [i.row, i.column]),
      [[606, 'consulta']],
    );
  });

  test('KD10 /execucoes with a wrong token is 401 whether or not the run exists (no existence oracle)', async () => {
    const res = await env.app.inject({ method: 'GET', url: '/execucoes/set-demo-1-19-0000000000000000?base_crm=demo', headers: { TOKEN_CRM: 'wrong' } });
    assert.equal(res.statusCode, 401, res.body);
  });
});
