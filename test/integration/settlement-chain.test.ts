// Settling a record of a later integration in a chain (account 19 → contact 21 → order 22): the resend
// maps the record with the run's variables, i.e. the code 19 captured from its answer (#codCli#), taken
// from the run's own history, not from a new run of 19.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { seedDemoChain } from '../../src/dev/demo-seed';
import { integrar, startSetEnv, TOKEN, type SetEnv } from './helpers/set-env';

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

describe('settling a record of a later integration in a chain', () => {
  let env: SetEnv;
  before(async () => {
    env = await startSetEnv({ connection: { concurrency: 1 } });
    await seedDemoChain(env.crm);
  });
  after(async () => {
    await env?.close();
  });

  test('reenviar an incerto contact (21) sends it with the codCli the run captured from the account (19)', async () => {
    // the account's POST is answered; the first contact's is processed and its connection dropped
    env.receiver.setBehaviour({ failWith: 'dropConnection', failTimes: 1, passFirst: 1 });
    const res = await integrar(env, { base_crm: 'demo', empresa_id: 1, integracao_servico_id: 21, contaId: 1 });
    assert.equal(res.statusCode, 502, res.body);
    const body = res.json();
    const codCli = Number(body.integrations[0].records[0].values.codCli);
    assert.ok(codCli >= 1001);
    const contacts = body.integrations[1];
    assert.equal(contacts.id, 21);
    const uncertain = contacts.records.find((r: { status: string }) => r.status === 'incerto');
    assert.ok(uncertain, JSON.stringify(contacts.records));
    assert.equal(body.integrations[2].status, 'nao_executada');

    const before = env.receiver.received.length;
    const settled = await env.app.inject({
      method: 'POST',
      url: `/execucoes/${body.workflowId}/integracoes/21/registros/${uncertain.key}?base_crm=demo`,
      headers: { TOKEN_CRM: TOKEN, 'content-type': 'application/json' },
      payload: JSON.stringify({ acao: 'reenviar' }),
    });
    assert.equal(settled.statusCode, 200, settled.body);
    assert.equal(settled.json().record.status, 'gravado');
    const sent = env.receiver.received.slice(before);
    assert.deepEqual(
      sent.map((r) => r.operation),
      ['GravarContatos'],
    );
    const contato = list((sent[0]!.args as { parameters: { contato: unknown } }).parameters.contato)[0] as { codCli: unknown };
    assert.equal(Number(contato.codCli), codCli);
    const seqCto = settled.json().record.values.seqCto;
    assert.equal(String((await env.crm.query('SELECT id_erp FROM contatos WHERE id = $1', [Number(uncertain.key)])).rows[0].id_erp), String(seqCto));
  });
});
