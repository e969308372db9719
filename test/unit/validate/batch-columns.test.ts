// lote_envio, caminho_lote, chave_retorno and somente_alterados (SPEC §2, §5.6, §8) as the validator and
// the plan see them: every problem named by table, row and column; a good batch reaches the plan's step.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BaseConfig } from '../../../src/config/types';
import { formatIssue } from '../../../src/errors';
import { toPlanText } from '../../../src/graph';
import type { IntegracaoRow } from '../../../src/model/types';
import { buildPlan } from '../../../src/plan/build-plan';
import { validateBase } from '../../../src/validate';
import { campo, conexao, configRows, integracao } from '../builders';

const base: BaseConfig = {
  database: 'postgres://unused',
  tokens: [],
  connections: {
    g5: { type: 'WS', url: 'http://g5', args: {}, timeoutMs: 1000, concurrency: 1, safeToResend: false },
    rest: { type: 'API', url: 'http://rest', headers: {}, timeoutMs: 1000, concurrency: 1, safeToResend: false },
  },
};
const G5 = 'parameters.dadosGeraisCliente';

function rows(
  overrides: Partial<IntegracaoRow>,
  campos = [
    campo({ integracao_id: 1, campo_integracao: `${G5}.nomCli`, campoCrm: { campo: 'nome' } }),
    campo({ integracao_id: 1, campo_integracao: `${G5}.ideExt`, campoCrm: { campo: 'id' } }),
    campo({ integracao_id: 1, campo_integracao: 'parameters.sigInt', campoCrm: { valor: 'CRM' } }),
  ],
) {
  return configRows({
    conexoes: [conexao(), conexao({ id: 2, tipo_conexao: 'API', nome_conexao: 'rest' })],
    integracoes: [integracao({ id: 1, parametros_obrigatorios: 'contaId', ...overrides })],
    campos,
  });
}
const issues = async (overrides: Partial<IntegracaoRow>, campos?: Parameters<typeof rows>[1]) =>
  (await validateBase(rows(overrides, campos), base)).issues.map(formatIssue);
const request = { base: 'demo', empresaId: null, empresaFilialId: null, integracaoId: 1, params: { contaId: '1' } };
const settings = { chunkSize: 100, maxChunksInFlight: 4 };

describe('batch columns', () => {
  it('a good batch is valid and reaches the plan; lote_envio 1 or null is no batch', async () => {
    assert.deepEqual(await issues({ lote_envio: 10, caminho_lote: G5, chave_retorno: 'ideExt' }), []);
    const plan = buildPlan(rows({ lote_envio: 10, caminho_lote: G5, chave_retorno: 'ideExt', somente_alterados: true }), request, base, settings);
    assert.deepEqual(plan.steps[0]!.batch, { size: 10, path: G5, key: 'ideExt' });
    assert.equal(plan.steps[0]!.onlyChanged, true);
    for (const lote of [1, null]) assert.equal(buildPlan(rows({ lote_envio: lote }), request, base, settings).steps[0]!.batch, undefined);
  });

  it('forcar=true: somente_alterados is off for that run', () => {
    const plan = buildPlan(rows({ somente_alterados: true }), { ...request, forcar: true }, base, settings);
    assert.equal(plan.steps[0]!.onlyChanged, undefined);
  });

  it('lote_envio below 1, or > 1 without caminho_lote on WS or API', async () => {
    assert.match((await issues({ lote_envio: 0 })).join('\n'), /integracao id=1 lote_envio: must be a whole number of records per call, 1 or more \(got 0\)/);
    assert.match((await issues({ lote_envio: 5 })).join('\n'), /integracao id=1 caminho_lote: lote_envio 5 needs caminho_lote/);
    assert.match(
      (await issues({ lote_envio: 5, conexao_integracao_id: 2, link: 'POST /clientes' })).join('\n'),
      /caminho_lote: lote_envio 5 needs caminho_lote.*'' when the JSON body is the array/,
    );
    // API with '' : the body is the array
    const api = [campo({ integracao_id: 1, campo_integracao: 'nome', campoCrm: { campo: 'nome' } })];
    assert.deepEqual(await issues({ lote_envio: 5, caminho_lote: '', conexao_integracao_id: 2, link: 'POST /clientes' }, api), []);
  });

  it('a bad chave_retorno: not one key, or not a field of the element', async () => {
    assert.match((await issues({ lote_envio: 5, caminho_lote: G5, chave_retorno: 'a,b' })).join('\n'), /chave_retorno: "a,b" is not one key name/);
    assert.match(
      (await issues({ lote_envio: 5, caminho_lote: G5, chave_retorno: 'codCli' })).join('\n'),
      /chave_retorno: "codCli" is not a field of each record's element \(no campos_integracao path parameters\.dadosGeraisCliente\.codCli\)/,
    );
    assert.match((await issues({ lote_envio: 5, caminho_lote: G5, chave_retorno: 'sigInt' })).join('\n'), /"sigInt" is not a field of each record's element/);
  });

  it('a field outside caminho_lote that depends on the row, and caminho_lote with nothing under it', async () => {
    const campos = [
      campo({ id: 71, integracao_id: 1, campo_integracao: `${G5}.nomCli`, campoCrm: { campo: 'nome' } }),
      campo({ id: 72, integracao_id: 1, campo_integracao: 'parameters.sigInt', campoCrm: { campo: 'origem' } }),
    ];
    assert.match(
      (await issues({ lote_envio: 5, caminho_lote: G5 }, campos)).join('\n'),
      /campos_integracao id=72 campo_integracao: "parameters.sigInt" is outside caminho_lote "parameters.dadosGeraisCliente" but depends on the CRM row/,
    );
    assert.match(
      (await issues({ lote_envio: 5, caminho_lote: 'parameters.outro' })).join('\n'),
      /caminho_lote: no campos_integracao path is under "parameters.outro"/,
    );
  });

  it('plan text shows the batch and only-what-changed', () => {
    const text = toPlanText(rows({ lote_envio: 50, caminho_lote: G5, chave_retorno: 'ideExt', somente_alterados: true }), 1, {
      empresaId: null,
      empresaFilialId: null,
    });
    assert.match(text, /batches of 50 at parameters\.dadosGeraisCliente, matched by ideExt; only what changed \(forcar=true sends all\)/);
  });
});
