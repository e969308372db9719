// Settling records (SPEC §8, §9): POST /execucoes/{workflowId}/integracoes/{id}/registros/{key} on real
// parts (Temporal, PostgreSQL, the G5 receiver). An `incerto` is made the way it happens: the receiver
// processes the request and drops the connection before answering. Each settlement is checked against
// three witnesses: the ledger (status and audit), the receiver (requests per ideExt) and the CRM (the
// write-back, counted by a trigger).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { cnpjWithCheckDigits } from '../../src/dev/demo-seed';
import type { RunResult } from '../../src/plan/types';
import { addAccounts } from '../faults/helpers/accounts';
import { integrar, startSetEnv, TOKEN, type SetEnv } from './helpers/set-env';

const EMPRESA2_TOKEN = 'token-empresa-2-' + Math.random().toString(16).slice(2);
const NAMED_TOKEN = 'token-suporte-' + Math.random().toString(16).slice(2);
const sha = (t: string) => createHash('sha256').update(t).digest('hex');

const ask = (contaId: number) => ({ base_crm: 'demo', empresa_id: 1, integracao_servico_id: 19, contaId });

describe('settling records: confirmar, reenviar, descartar', () => {
  let env: SetEnv;
  const settle = (workflowId: string, key: string, body: unknown, opts: { token?: string; integracao?: number | string; query?: string; raw?: string } = {}) =>
    env.app.inject({
      method: 'POST',
      url: `/execucoes/${workflowId}/integracoes/${opts.integracao ?? 19}/registros/${encodeURIComponent(key)}?${opts.query ?? 'base_crm=demo'}`,
      headers: { TOKEN_CRM: opts.token ?? TOKEN, 'content-type': 'application/json' },
      payload: opts.raw ?? JSON.stringify(body),
    });
  const execucao = async (workflowId: string) =>
    (await env.app.inject({ method: 'GET', url: `/execucoes/${workflowId}?base_crm=demo`, headers: { TOKEN_CRM: TOKEN } })).json();
  const received = (contaId: number) => env.receiver.countsByIdeExt().get(String(contaId)) ?? 0;
  const writeBacks = async (contaId: number) =>
    (await env.crm.query('SELECT count(*)::int AS n FROM gravacoes_log WHERE conta_id = $1', [contaId])).rows[0].n as number;
  const audit = async (contaId: number) =>
    (
      await env.crm.query(
        `SELECT l.* FROM integrador.liquidacao l JOIN integrador.envio e ON e.id = l.envio_id WHERE e.integracao_id = 19 AND e.chave = $1 ORDER BY l.numero`,
        [String(contaId)],
      )
    ).rows;
  const ledgerOf = async (contaId: number) =>
    (await env.crm.query(`SELECT status, valores, tentativas, liquidacoes FROM integrador.envio WHERE integracao_id = 19 AND chave = $1`, [String(contaId)]))
      .rows[0];

  /** A run of one account whose answer is lost after the receiver processed it: `incerto`, received once. */
  async function uncertainRun(contaId: number): Promise<string> {
    env.receiver.setBehaviour({ failWith: 'dropConnection', failTimes: 1 });
    const res = await integrar(env, ask(contaId));
    assert.equal(res.statusCode, 502, res.body);
    const { workflowId } = res.json();
    assert.equal((await ledgerOf(contaId)).status, 'incerto');
    assert.equal(received(contaId), 1);
    return workflowId;
  }

  before(async () => {
    env = await startSetEnv({
      tokens: [
        { sha256: sha(EMPRESA2_TOKEN), empresas: [2] },
        { sha256: sha(NAMED_TOKEN), nome: 'suporte-erp' },
      ],
      seed: async (crm) => {
        // every write-back of contas.id_erp leaves one row: "updated once" is counted, not guessed
        await crm.query(`
          CREATE TABLE gravacoes_log (conta_id integer NOT NULL, id_erp text, em timestamptz NOT NULL DEFAULT now());
          CREATE FUNCTION log_gravacao() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN INSERT INTO gravacoes_log (conta_id, id_erp) VALUES (NEW.id, NEW.id_erp); RETURN NEW; END $$;
          CREATE TRIGGER contas_gravacao AFTER UPDATE OF id_erp ON contas FOR EACH ROW EXECUTE FUNCTION log_gravacao();`);
        // two more accounts with wrong CNPJ check digits (refused by the receiver: erro)
        for (const nome of ['Conta Corrigida Ltda', 'Conta Apagada Ltda']) {
          await crm.query(`INSERT INTO contas (nome, fantasia, tipo_pessoa, cnpj, cidade, uf) VALUES ($1, $1, 'J', '12.345.678/0001-00', 'Recife', 'PE')`, [
            nome,
          ]);
        }
      },
    });
  });
  after(async () => {
    await env?.close();
  });

  test('confirmar an incerto: the given values are written back once with the gravado mark, audited with the token nome', async () => {
    const workflowId = await uncertainRun(1);
    const before = await writeBacks(1);
    const res = await settle(workflowId, '1', { acao: 'confirmar', valores: { codCli: '7777' } }, { token: NAMED_TOKEN });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.success, true);
    assert.equal(body.record.status, 'gravado');
    assert.deepEqual(body.record.values, { codCli: '7777' });
    assert.match(body.settlementWorkflowId, new RegExp(`^settle-${workflowId}-19-1-1$`));
    // the CRM row, once; the ledger, gravado; the receiver, untouched
    assert.equal((await env.crm.query('SELECT id_erp FROM contas WHERE id = 1')).rows[0].id_erp, '7777');
    assert.equal((await writeBacks(1)) - before, 1);
    assert.equal((await ledgerOf(1)).status, 'gravado');
    assert.equal(received(1), 1);
    const [row, ...more] = await audit(1);
    assert.equal(more.length, 0);
    assert.equal(row.acao, 'confirmar');
    assert.equal(row.por, 'suporte-erp');
    assert.deepEqual(row.valores, { codCli: '7777' });
    assert.equal(row.status_anterior, 'incerto');
    assert.equal(row.status_final, 'gravado');
    assert.ok(row.em instanceof Date);
    // the settlement has its own history, linked to the run
    const settlement = await env.client.temporal.workflow.getHandle(body.settlementWorkflowId).describe();
    assert.equal(settlement.type, 'settleRecord');
    assert.equal(settlement.status.name, 'COMPLETED');
    assert.equal(settlement.memo?.execucao, workflowId);
    // /execucoes shows the record with its settlement
    const shown = (await execucao(workflowId)).integrations[0].records[0];
    assert.equal(shown.status, 'gravado');
    assert.equal(shown.settlements.length, 1);
    assert.equal(shown.settlements[0].acao, 'confirmar');
    assert.equal(shown.settlements[0].por, 'suporte-erp');
    // settled once: a second confirmar is refused with its state, nothing written again
    const again = await settle(workflowId, '1', { acao: 'confirmar', valores: { codCli: '8888' } });
    assert.equal(again.statusCode, 409, again.body);
    assert.equal(again.json().status, 'gravado');
    assert.match(again.json().message, /record 1 is gravado: confirmar settles only a record that is incerto/);
    assert.equal((await writeBacks(1)) - before, 1);
  });

  test('reenviar an incerto: sent once more through the delivery path (receiver counts one more), written back, gravado', async () => {
    const workflowId = await uncertainRun(2);
    const res = await settle(workflowId, '2', { acao: 'reenviar' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().record.status, 'gravado');
    assert.equal(received(2), 2);
    const ledger = await ledgerOf(2);
    assert.equal(ledger.status, 'gravado');
    assert.equal(ledger.tentativas, 2);
    assert.ok(Number(ledger.valores.codCli) >= 1001);
    assert.equal((await env.crm.query('SELECT id_erp FROM contas WHERE id = 2')).rows[0].id_erp, String(ledger.valores.codCli));
    assert.equal(await writeBacks(2), 1);
    const [row] = await audit(2);
    assert.equal(row.acao, 'reenviar');
    assert.equal(row.por, 'token 1');
    assert.equal(row.status_anterior, 'incerto');
    assert.equal(row.status_final, 'gravado');
  });

  test('reenviar an incerto of a run started without a plan (as a schedule starts one): its single chunk was a local activity, and the step is found from its loadPlan', async () => {
    const { first: contaId } = await addAccounts(env.crm, 1);
    env.receiver.setBehaviour({ failWith: 'dropConnection', failTimes: 1 });
    const handle = await env.client.start({ base: 'demo', empresaId: 1, empresaFilialId: null, integracaoId: 19, params: { contaId: String(contaId) } });
    const result = (await handle.result()) as RunResult;
    assert.equal(result.integrations[0]!.counts.incerto, 1);
    const scheduled = ((await handle.fetchHistory()).events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
    assert.deepEqual(scheduled, ['loadPlan'], 'the query and the send were local activities');
    const res = await settle(handle.workflowId, String(contaId), { acao: 'reenviar' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().record.status, 'gravado');
    assert.equal(received(contaId), 2);
    assert.equal(await writeBacks(contaId), 1);
  });

  test('descartar an incerto: descartado with the reason; nothing sent or written; a later action is refused with 409', async () => {
    const workflowId = await uncertainRun(3);
    const missing = await settle(workflowId, '3', { acao: 'descartar' });
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().parameter, 'motivo');
    const res = await settle(workflowId, '3', { acao: 'descartar', motivo: 'já cadastrado à mão no ERP' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().record.status, 'descartado');
    assert.match(res.json().record.message, /descartado by token 1: já cadastrado à mão no ERP/);
    assert.equal(received(3), 1);
    assert.equal(await writeBacks(3), 0);
    const [row] = await audit(3);
    assert.equal(row.motivo, 'já cadastrado à mão no ERP');
    assert.equal(row.status_final, 'descartado');
    const shown = (await execucao(workflowId)).integrations[0].records[0];
    assert.equal(shown.status, 'descartado');
    assert.equal(shown.settlements[0].motivo, 'já cadastrado à mão no ERP');
    for (const body of [{ acao: 'reenviar' }, { acao: 'descartar', motivo: 'de novo' }, { acao: 'confirmar', valores: { codCli: 1 } }]) {
      const refused = await settle(workflowId, '3', body);
      assert.equal(refused.statusCode, 409, refused.body);
      assert.equal(refused.json().status, 'descartado');
    }
    assert.equal(received(3), 1);
  });

  test('reenviar an erro after its data was fixed in the CRM: the consulta runs again and the fixed row is sent', async () => {
    const res = await integrar(env, ask(8));
    assert.equal(res.statusCode, 502, res.body);
    const { workflowId } = res.json();
    assert.equal((await ledgerOf(8)).status, 'erro');
    // confirmar and descartar are for incerto only
    const confirm = await settle(workflowId, '8', { acao: 'confirmar', valores: { codCli: 1 } });
    assert.equal(confirm.statusCode, 409);
    assert.match(confirm.json().message, /record 8 is erro/);
    assert.equal((await settle(workflowId, '8', { acao: 'descartar', motivo: 'x' })).statusCode, 409);
    const fixed = cnpjWithCheckDigits('998877660001');
    await env.crm.query('UPDATE contas SET cnpj = $1 WHERE id = 8', [fixed]);
    const resent = await settle(workflowId, '8', { acao: 'reenviar' });
    assert.equal(resent.statusCode, 200, resent.body);
    assert.equal(resent.json().record.status, 'gravado');
    assert.equal(received(8), 2);
    const last = env.receiver.received.at(-1)!.args as { parameters: { dadosGeraisCliente: { cgcCpf: unknown } } };
    assert.equal(String(last.parameters.dadosGeraisCliente.cgcCpf).replace(/\D/g, ''), fixed);
    assert.equal(await writeBacks(8), 1);
    const [row] = await audit(8);
    assert.equal(row.status_anterior, 'erro');
    assert.equal(row.status_final, 'gravado');
  });

  test('reenviar an erro whose key the consulta no longer returns: 422 saying so, nothing changed', async () => {
    const res = await integrar(env, ask(9));
    assert.equal(res.statusCode, 502, res.body);
    const { workflowId } = res.json();
    await env.crm.query('DELETE FROM contas WHERE id = 9');
    const resent = await settle(workflowId, '9', { acao: 'reenviar' });
    assert.equal(resent.statusCode, 422, resent.body);
    assert.match(resent.json().message, /record 9 no longer appears in the consulta of integracao 19/);
    const ledger = await ledgerOf(9);
    assert.equal(ledger.status, 'erro');
    assert.equal(ledger.liquidacoes, 0);
    assert.deepEqual(await audit(9), []);
    assert.equal(received(9), 1);
    // a refused settlement leaves nothing in the way: once the row is back (fixed), the resend goes through
    await env.crm.query(
      `INSERT INTO contas (id, nome, fantasia, tipo_pessoa, cnpj, cidade, uf) VALUES (9, 'Conta Voltou Ltda', 'Voltou', 'J', $1, 'Recife', 'PE')`,
      [cnpjWithCheckDigits('554433220001')],
    );
    const again = await settle(workflowId, '9', { acao: 'reenviar' });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().record.status, 'gravado');
    assert.equal(again.json().record.settlements.length, 1);
    assert.equal(received(9), 2);
  });

  test('two settlements of one record at once: exactly one wins (200), the other gets 409', async () => {
    const workflowId = await uncertainRun(4);
    const answers = await Promise.all([
      settle(workflowId, '4', { acao: 'descartar', motivo: 'primeiro' }),
      settle(workflowId, '4', { acao: 'confirmar', valores: { codCli: '4444' } }),
    ]);
    assert.deepEqual(answers.map((a) => a.statusCode).sort(), [200, 409], answers.map((a) => a.body).join('\n'));
    assert.equal((await audit(4)).length, 1);
    const ledger = await ledgerOf(4);
    assert.equal(ledger.liquidacoes, 1);
    const winner = answers.find((a) => a.statusCode === 200)!.json();
    assert.equal(ledger.status, winner.record.status);
    assert.equal(await writeBacks(4), ledger.status === 'gravado' ? 1 : 0);
  });

  test('bad requests change nothing: 400 body, 401 token, 403 company, 404 run/integration/key/base, 413 size', async () => {
    const workflowId = await uncertainRun(5);
    const cases: Array<[string, Awaited<ReturnType<typeof settle>>, number, RegExp, string?]> = [
      [
        'no codCli',
        await settle(workflowId, '5', { acao: 'confirmar', valores: {} }),
        400,
        /valores\.codCli is missing: confirmar needs every indice_valor_retorno key \(codCli\)/,
        'valores.codCli',
      ],
      ['no valores', await settle(workflowId, '5', { acao: 'confirmar' }), 400, /confirmar needs valores/, 'valores'],
      [
        'an object value',
        await settle(workflowId, '5', { acao: 'confirmar', valores: { codCli: { a: 1 } } }),
        400,
        /valores\.codCli must be text .* or a number/,
        'valores.codCli',
      ],
      [
        'a boolean value',
        await settle(workflowId, '5', { acao: 'confirmar', valores: { codCli: true } }),
        400,
        /valores\.codCli must be text/,
        'valores.codCli',
      ],
      [
        'an unknown value key',
        await settle(workflowId, '5', { acao: 'confirmar', valores: { codCli: 1, outro: 2 } }),
        400,
        /valores\.outro is not an indice_valor_retorno key/,
        'valores.outro',
      ],
      ['an unknown acao', await settle(workflowId, '5', { acao: 'apagar' }), 400, /unknown acao "apagar": one of confirmar, reenviar, descartar/, 'acao'],
      ['no acao', await settle(workflowId, '5', {}), 400, /missing acao/, 'acao'],
      ['an array body', await settle(workflowId, '5', [{ acao: 'reenviar' }]), 400, /the body must be a JSON object/, 'body'],
      ['an extra field', await settle(workflowId, '5', { acao: 'reenviar', motivo: 'x' }), 400, /unexpected field "motivo" for acao reenviar/, 'motivo'],
      ['malformed JSON', await settle(workflowId, '5', null, { raw: '{"acao": "reenviar"' }), 400, /JSON/],
      ['a 20 KB body', await settle(workflowId, '5', { acao: 'descartar', motivo: 'x'.repeat(20_000) }), 413, /too large/],
      [
        'a non-integer integration',
        await settle(workflowId, '5', { acao: 'reenviar' }, { integracao: 'abc' }),
        400,
        /integracaoId must be an integer/,
        'integracaoId',
      ],
      ['no token', await settle(workflowId, '5', { acao: 'reenviar' }, { token: '' }), 401, /TOKEN_CRM/],
      ['a wrong token', await settle(workflowId, '5', { acao: 'reenviar' }, { token: 'wrong' }), 401, /wrong TOKEN_CRM/],
      ["a token without the run's company", await settle(workflowId, '5', { acao: 'reenviar' }, { token: EMPRESA2_TOKEN }), 403, /may not run empresa 1/],
      ['an unknown run', await settle('set-demo-1-19-0000000000000000', '5', { acao: 'reenviar' }), 404, /no run set-demo-1-19-0000000000000000 in base demo/],
      [
        "another base's run id",
        await settle('set-outra-1-19-0000000000000000', '5', { acao: 'reenviar' }),
        404,
        /no run set-outra-1-19-0000000000000000 in base demo/,
      ],
      [
        'an unknown integration',
        await settle(workflowId, '5', { acao: 'reenviar' }, { integracao: 21 }),
        404,
        /has no record of integracao 21/,
        'integracaoId',
      ],
      ['an unknown key', await settle(workflowId, '55', { acao: 'reenviar' }), 404, /has no record 55 in integracao 19/, 'key'],
      ['an unknown base', await settle(workflowId, '5', { acao: 'reenviar' }, { query: 'base_crm=outra' }), 404, /unknown base_crm outra/],
      ['no base_crm', await settle(workflowId, '5', { acao: 'reenviar' }, { query: '' }), 400, /missing parameter base_crm/],
    ];
    for (const [name, res, status, message, parameter] of cases) {
      assert.equal(res.statusCode, status, `${name}: ${res.body}`);
      assert.match(res.json().message, message, name);
      if (parameter) assert.equal(res.json().parameter, parameter, name);
    }
    // a wrong token cannot tell whether a run exists
    assert.equal((await settle('set-demo-1-19-0000000000000000', '5', { acao: 'reenviar' }, { token: 'wrong' })).statusCode, 401);
    const ledger = await ledgerOf(5);
    assert.equal(ledger.status, 'incerto');
    assert.equal(ledger.liquidacoes, 0);
    assert.deepEqual(await audit(5), []);
    assert.equal(received(5), 1);
    assert.equal(await writeBacks(5), 0);
  });
});
