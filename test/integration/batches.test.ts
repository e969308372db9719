// Batches (SPEC §5.6) and only what changed (§8) on real parts: Temporal, PostgreSQL, the G5-like SOAP
// receiver, the demo REST receiver and a PostgreSQL receiver table. Ten accounts; integration 21 sends a
// range of them (a copy of 19, test/faults/helpers/accounts.ts), 33 and 34 the same accounts to the REST
// and DB receivers. Every rule of §5.6 once: a batch of 1, a refused customer in a batch of 10, a
// call-level erroExecucao, a dropped connection after processing, a count mismatch, items reordered;
// then inalterado on a second run and forcar=true.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Pool } from 'pg';
import { createErpReceiverTable, seedReceiverIntegrations } from '../../src/dev/demo-receivers-seed';
import { startG5Receiver, type G5Receiver } from '../../src/dev/g5-receiver';
import { startRestReceiver, type RestReceiver } from '../../src/dev/rest-receiver';
import { addAccounts, addBatchIntegration, BATCH_INTEGRATION } from '../faults/helpers/accounts';
import { testServices } from '../helpers/services';
import { integrar, startSetEnv, TOKEN, type SetEnv } from './helpers/set-env';

const G5 = 'parameters.dadosGeraisCliente';
const API_BATCH = 33;
const DB_BATCH = 34;
const BAD_LOGIN_CONEXAO = 9;

interface RecordAnswer {
  key: string;
  status: string;
  values: Record<string, unknown>;
  message: string;
}

describe('batches per call and only what changed', () => {
  let env: SetEnv;
  let rest: RestReceiver;
  let otherG5: G5Receiver;
  let erp: Pool;
  let range: { first: number; last: number };
  let round = 0;

  before(async () => {
    rest = await startRestReceiver();
    // a G5 that knows another password: every call is a login failure (tipoRetorno 2, erroExecucao, no items)
    otherG5 = await startG5Receiver({ user: 'integrador', password: 'another-password' });
    const erpUrl = await (await testServices()).newDatabase('erp');
    erp = new Pool({ connectionString: erpUrl, max: 2 });
    await createErpReceiverTable(erp);
    env = await startSetEnv({
      connections: {
        rest: { type: 'API', url: rest.baseUrl, timeoutMs: 5000 },
        erp_db: { type: 'DB', url: erpUrl, timeoutMs: 5000 },
        g5_bad_login: { type: 'WS', url: otherG5.baseUrl, args: { user: 'integrador', password: '${TEST_G5_PASSWORD}', encryption: 0 }, timeoutMs: 5000 },
      },
      seed: async (crm) => {
        range = await addAccounts(crm, 10);
        await addBatchIntegration(crm);
        await seedReceiverIntegrations(crm, { api: 'rest', db: 'erp_db' });
        await crm.query(`INSERT INTO integrador.conexao_integracao (id, tipo_conexao, nome_conexao) VALUES ($1, 'WS', 'g5_bad_login')`, [BAD_LOGIN_CONEXAO]);
        // 33 and 34: 30 and 31 over a range of accounts, ten records per call
        for (const [id, from] of [
          [API_BATCH, 30],
          [DB_BATCH, 31],
        ] as const) {
          await crm.query(
            `INSERT INTO integrador.integracao (id, nome, tipo_servico, empresa_id, link, tabela, consulta, conexao_integracao_id,
               indice_array_retorno, indice_valor_retorno, indice_erro_retorno, sql_update, parametros_obrigatorios,
               lote_envio, caminho_lote, chave_retorno)
             SELECT $1, nome || '-LOTE', tipo_servico, empresa_id, link, tabela,
                    replace(consulta, '= #contaId#', 'BETWEEN #de# AND #ate# ORDER BY c.id'), conexao_integracao_id,
                    indice_array_retorno, indice_valor_retorno, indice_erro_retorno, replace(sql_update, '#contaId#', '#' || $3::text || '#'), 'de,ate',
                    10, '', $4::text
               FROM integrador.integracao WHERE id = $2`,
            [id, from, id === API_BATCH ? 'conta_id' : 'id', id === API_BATCH ? 'idExterno' : 'id_externo'],
          );
          await crm.query(
            `INSERT INTO integrador.campos_integracao (id, integracao_id, campo_integracao, campo_crm)
             SELECT id + 1000, $1, campo_integracao, campo_crm FROM integrador.campos_integracao WHERE integracao_id = $2`,
            [id, from],
          );
          await crm.query(
            `INSERT INTO integrador.regras (id, campos_integracao_id, tipo, parametro)
             SELECT r.id + 1000, r.campos_integracao_id + 1000, r.tipo, r.parametro
               FROM integrador.regras r JOIN integrador.campos_integracao c ON c.id = r.campos_integracao_id WHERE c.integracao_id = $1`,
            [from],
          );
        }
      },
    });
  });

  after(async () => {
    await env?.close();
    await erp?.end();
    await rest?.close();
    await otherG5?.close();
  });

  const setBatch = (columns: { lote_envio?: number | null; chave_retorno?: string | null; somente_alterados?: boolean; conexao?: number }) =>
    env.crm.query(
      `UPDATE integrador.integracao SET lote_envio = $2, caminho_lote = $3, chave_retorno = $4, somente_alterados = $5, conexao_integracao_id = $6 WHERE id = $1`,
      [
        BATCH_INTEGRATION,
        columns.lote_envio === undefined ? 10 : columns.lote_envio,
        G5,
        columns.chave_retorno === undefined ? 'ideExt' : columns.chave_retorno,
        columns.somente_alterados ?? false,
        columns.conexao ?? 3,
      ],
    );

  /** Runs an integration over the ten accounts; the records' answers by account id. */
  async function run(integracao = BATCH_INTEGRATION, extra: Record<string, string> = {}) {
    round++;
    const res = await integrar(env, {
      base_crm: 'demo',
      empresa_id: 1,
      integracao_servico_id: integracao,
      de: range.first,
      ate: range.last,
      rodada: round,
      ...extra,
    });
    const body = res.json();
    const records: RecordAnswer[] = body.integrations.find((i: { id: number }) => i.id === integracao).records;
    return { res, body, records, byKey: new Map(records.map((r) => [Number(r.key), r])) };
  }
  const posts = () => env.receiver.received.filter((r) => r.operation === 'GravarClientes').length;
  const statuses = (records: RecordAnswer[]) => records.map((r) => r.status);
  const idErps = async () => (await env.crm.query('SELECT id, id_erp FROM contas WHERE id BETWEEN $1 AND $2 ORDER BY id', [range.first, range.last])).rows;

  test('a batch of 1 (lote_envio 1 or null) is one call per record, as before', async () => {
    for (const lote of [null, 1]) {
      await setBatch({ lote_envio: lote });
      const before = posts();
      const { res, records } = await run();
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(statuses(records), Array(10).fill('gravado'));
      assert.equal(posts() - before, 10);
      const one = env.receiver.received[env.receiver.received.length - 1]!.args as { parameters: { dadosGeraisCliente: unknown } };
      assert.ok(!Array.isArray(one.parameters.dadosGeraisCliente), 'one customer, not an array of one');
    }
  });

  test('ten records in one call; a refused customer fails only its own record', async () => {
    await setBatch({});
    const refused = range.first + 3;
    const { rows } = await env.crm.query('SELECT cnpj FROM contas WHERE id = $1', [refused]);
    await env.crm.query(`UPDATE contas SET cnpj = '11.111.111/1111-11' WHERE id = $1`, [refused]);
    try {
      const before = posts();
      const { res, body, byKey } = await run();
      assert.equal(posts() - before, 1, 'one GravarClientes call');
      const call = env.receiver.received[env.receiver.received.length - 1]!.args as { parameters: { dadosGeraisCliente: unknown[] } };
      assert.equal(call.parameters.dadosGeraisCliente.length, 10);
      assert.equal(res.statusCode, 502);
      assert.equal(body.success, false);
      assert.equal(byKey.get(refused)!.status, 'erro');
      assert.match(byKey.get(refused)!.message, /CNPJ\/CPF inválido/);
      for (const [id, r] of byKey) if (id !== refused) assert.equal(r.status, 'gravado', `${id}: ${r.message}`);
      assert.equal(body.integrations[0].counts.gravado, 9);
      assert.equal(body.integrations[0].counts.erro, 1);
    } finally {
      await env.crm.query('UPDATE contas SET cnpj = $2 WHERE id = $1', [refused, rows[0].cnpj]);
    }
  });

  test('a call-level erroExecucao (a login failure) fails every record of the call with its message', async () => {
    await setBatch({ conexao: BAD_LOGIN_CONEXAO });
    try {
      const { body, records } = await run();
      assert.equal(body.success, false);
      assert.deepEqual(statuses(records), Array(10).fill('erro'));
      for (const r of records) assert.equal(r.message, 'Usuário ou senha inválidos');
    } finally {
      await setBatch({});
    }
  });

  test('a dropped connection after the receiver processed the batch: every record incerto, none resent', async () => {
    await setBatch({});
    env.receiver.setBehaviour({ failWith: 'dropConnection', failTimes: 1 });
    const before = posts();
    const { body, records } = await run();
    assert.equal(body.success, false);
    assert.deepEqual(statuses(records), Array(10).fill('incerto'));
    assert.match(records[0]!.message, /unknown outcome/);
    assert.equal(posts() - before, 1, 'sent once, never resent');
  });

  test('a count mismatch: by position every record is incerto; by ideExt only the one without an item', async () => {
    env.receiver.setBehaviour({ dropLastItem: true });
    try {
      await setBatch({ chave_retorno: null });
      const byPosition = await run();
      assert.deepEqual(statuses(byPosition.records), Array(10).fill('incerto'));
      assert.match(byPosition.records[0]!.message, /9 feedback item\(s\) for the 10 records/);

      await setBatch({ chave_retorno: 'ideExt' });
      const byKey = await run();
      assert.deepEqual(statuses(byKey.records), [...Array(9).fill('gravado'), 'incerto']);
      assert.match(byKey.byKey.get(range.last)!.message, new RegExp(`no feedback item with ideExt=${range.last}`));
    } finally {
      env.receiver.setBehaviour({ dropLastItem: false });
    }
  });

  test('items answered in another order are matched by ideExt: each account gets its own code', async () => {
    await setBatch({});
    const inOrder = await run();
    assert.deepEqual(statuses(inOrder.records), Array(10).fill('gravado'));
    const codes = await idErps();
    assert.equal(new Set(codes.map((c) => c.id_erp)).size, 10);
    await env.crm.query('UPDATE contas SET id_erp = NULL WHERE id BETWEEN $1 AND $2', [range.first, range.last]);
    env.receiver.setBehaviour({ reverseItems: true });
    try {
      const reversed = await run();
      assert.deepEqual(statuses(reversed.records), Array(10).fill('gravado'));
      // G5 keys customers by CNPJ: the same account gets the same code, whatever the order of the answer
      assert.deepEqual(await idErps(), codes);
      for (const r of reversed.records) assert.equal(String(r.values.codCli), codes.find((c) => c.id === Number(r.key))!.id_erp);
    } finally {
      env.receiver.setBehaviour({ reverseItems: false });
    }
  });

  test('API: the JSON body is the array of ten customers, matched by idExterno', async () => {
    const before = rest.received.length;
    const { res, records } = await run(API_BATCH);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(statuses(records), Array(10).fill('gravado'));
    assert.equal(rest.received.length - before, 1);
    assert.equal((rest.received[rest.received.length - 1]!.body as unknown[]).length, 10);
    for (const id of [range.first, range.last]) assert.equal(rest.countsByExternalId().get(String(id)), 1);
  });

  test('DB: one multi-row INSERT ... RETURNING for ten rows, matched by id_externo', async () => {
    const { res, records } = await run(DB_BATCH);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(statuses(records), Array(10).fill('gravado'));
    const { rows } = await erp.query('SELECT id_externo, codigo, criado_em FROM erp_clientes ORDER BY id_externo');
    assert.equal(rows.length, 10);
    // one statement: clock_timestamp() differs per row, but the rows committed together, in one transaction
    for (const r of records) assert.equal(Number(r.values.codigo), rows.find((x) => x.id_externo === Number(r.key))!.codigo);
  });

  test('somente_alterados: a second run sends only the changed account; the others end inalterado; forcar=true sends all', async () => {
    await setBatch({ somente_alterados: true });
    await run(); // whatever earlier tests left, this run's requests are now the last successful ones
    const changed = range.first + 5;
    await env.crm.query(`UPDATE contas SET nome = nome || ' (novo)' WHERE id = $1`, [changed]);

    const before = env.receiver.countsByIdeExt();
    const posted = posts();
    const second = await run();
    assert.equal(second.res.statusCode, 200, second.res.body);
    assert.equal(second.body.success, true);
    assert.equal(second.body.integrations[0].status, 'ok');
    assert.deepEqual(second.body.integrations[0].counts, { gravado: 1, inalterado: 9 });
    assert.equal(second.body.integrations[0].message, '1 record(s) sent, 9 inalterado');
    assert.equal(second.byKey.get(changed)!.status, 'gravado');
    assert.equal(posts() - posted, 1);
    const after = env.receiver.countsByIdeExt();
    for (let id = range.first; id <= range.last; id++) {
      assert.equal((after.get(String(id)) ?? 0) - (before.get(String(id)) ?? 0), id === changed ? 1 : 0, `account ${id}`);
    }
    // /execucoes shows the status too
    const view = await env.app.inject({ method: 'GET', url: `/execucoes/${second.body.workflowId}?base_crm=demo`, headers: { TOKEN_CRM: TOKEN } });
    assert.equal(view.statusCode, 200, view.body);
    const viewed: RecordAnswer[] = view.json().integrations[0].records;
    assert.equal(viewed.filter((r) => r.status === 'inalterado').length, 9);

    // a third run with nothing changed: every record inalterado, the integration ok
    const third = await run();
    assert.equal(third.body.success, true);
    assert.deepEqual(statuses(third.records), Array(10).fill('inalterado'));

    // forcar=true: every record sent; forcar is not an integration parameter
    const forced = await run(BATCH_INTEGRATION, { forcar: 'true' });
    assert.equal(forced.body.success, true);
    assert.deepEqual(statuses(forced.records), Array(10).fill('gravado'));
    assert.notEqual(forced.body.workflowId, third.body.workflowId);
  });
});
