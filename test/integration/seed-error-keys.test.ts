// Integration 19 with the seed's own error keys (`erro,mensagemErro,erroExecucao`), against the demo G5
// receiver: those keys never look at `retorno`, so a refused customer arrives as "codCli missing". The
// record's message must still lead with G5's reason (issue 11, point 8).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { integrar, startSetEnv, type SetEnv } from './helpers/set-env';

const SEED_ERROR_KEYS = 'erro,mensagemErro,erroExecucao';

describe('integration 19 with the seed error keys', () => {
  let env: SetEnv;
  before(async () => {
    env = await startSetEnv({
      seed: async (crm) => {
        await crm.query('UPDATE integrador.integracao SET indice_erro_retorno = $1 WHERE id = 19', [SEED_ERROR_KEYS]);
      },
    });
  });
  after(async () => {
    await env?.close();
  });

  const ask = (contaId: number) => ({ base_crm: 'demo', empresa_id: 1, integracao_servico_id: 19, contaId });

  test('a customer G5 accepts is sent and written back as before', async () => {
    const res = await integrar(env, ask(1));
    assert.equal(res.statusCode, 200, res.body);
    const record = res.json().integrations[0].records[0];
    assert.equal(record.status, 'gravado');
    assert.equal(record.message, 'OK');
  });

  test('a customer G5 refuses reads with G5’s reason first', async () => {
    const res = await integrar(env, ask(6));
    assert.equal(res.statusCode, 502, res.body);
    const body = res.json();
    assert.match(body.message, /^integracao 19 \(SET-WS-CONTAS\) failed: CNPJ\/CPF inválido: 12345678000100 \(indice_valor_retorno "codCli" missing/);
    const record = body.integrations[0].records[0];
    assert.equal(record.status, 'erro');
    assert.match(record.message, /^CNPJ\/CPF inválido: 12345678000100 \(indice_valor_retorno "codCli" missing from the answer: \{/);
    const { rows } = await env.crm.query('SELECT id_erp FROM contas WHERE id = 6');
    assert.equal(rows[0].id_erp, null, 'nothing written back');
  });
});
