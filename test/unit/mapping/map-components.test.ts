import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, RecordError } from '../../../src/errors';
import { mapRecord } from '../../../src/mapping';
import { parseMapping, type Mapping } from '../../../src/model';
import type { ConfigRows } from '../../../src/model/types';
import { Scope } from '../../../src/templating/scope';
import { campo, componente, configRows, integracao, regra } from '../builders';
import { fakeCrm } from './fake-crm';

const scope = new Scope({ params: { contaId: 42 }, builtins: { empresa_id: 1 } });

function mappingOf(rows: ConfigRows, id = 19): Mapping {
  const { mapping, issues } = parseMapping(id, rows);
  assert.deepEqual(issues, []);
  return mapping;
}

// SET-WS-CONTAS (19)
//   parameters.dadosGeraisCliente.nomCli            ← contas.nome
//   parameters.dadosGeraisCliente.definicoesCliente ← componente 20 (one per definicao of the conta)
//       codEmp, codFil                                ← definicoes.empresa, definicoes.filial
//       representantes                                ← componente 21 (one per representante of the definicao)
//           codRep                                      ← representantes.codigo
function g5Rows(): ConfigRows {
  return configRows({
    integracoes: [
      integracao({ id: 19, nome: 'SET-WS-CONTAS' }),
      componente(20, 'SELECT id, empresa, filial FROM definicoes WHERE conta_id = #id# ORDER BY id'),
      componente(21, 'SELECT codigo FROM representantes WHERE definicao_id = #id# AND empresa = #empresa_id#'),
    ],
    campos: [
      campo({ id: 1, integracao_id: 19, campo_integracao: 'parameters.dadosGeraisCliente.nomCli', campoCrm: { campo: 'nome' } }),
      campo({ id: 2, integracao_id: 19, campo_integracao: 'parameters.dadosGeraisCliente.definicoesCliente', campoCrm: { componente: 20 } }),
      campo({ id: 3, integracao_id: 20, campo_integracao: 'codEmp', campoCrm: { campo: 'empresa', tipo: 'inteiro', obrigatorio: true } }),
      campo({ id: 4, integracao_id: 20, campo_integracao: 'codFil', campoCrm: { campo: 'filial', tipo: 'inteiro' } }),
      campo({ id: 5, integracao_id: 20, campo_integracao: 'representantes', campoCrm: { componente: 21 } }),
      campo({ id: 6, integracao_id: 21, campo_integracao: 'codRep', campoCrm: { campo: 'codigo', tipo: 'inteiro' } }),
    ],
  });
}

function g5Crm(definicoes: Array<Record<string, unknown>>) {
  return fakeCrm([
    [/FROM definicoes/, definicoes],
    [/FROM representantes/, (values) => (values[0] === 7 ? [{ codigo: '501' }, { codigo: '502' }] : [])],
  ]);
}

describe('mapRecord components', () => {
  it('builds G5 definicoesCliente[] with codEmp and codFil, nested two levels', async () => {
    const crm = g5Crm([
      { id: 7, empresa: '1', filial: '1' },
      { id: 8, empresa: '2', filial: null },
    ]);

    const request = await mapRecord(mappingOf(g5Rows()), { id: 42, nome: 'ACME' }, scope, crm);

    assert.deepEqual(request, {
      parameters: {
        dadosGeraisCliente: {
          nomCli: 'ACME',
          definicoesCliente: [
            { codEmp: 1, codFil: 1, representantes: [{ codRep: 501 }, { codRep: 502 }] },
            { codEmp: 2, codFil: null, representantes: [] },
          ],
        },
      },
    });
  });

  it("binds the parent row's #id# in each component query, never pasting it", async () => {
    const crm = g5Crm([
      { id: 7, empresa: 1, filial: 1 },
      { id: 8, empresa: 2, filial: 1 },
    ]);

    await mapRecord(mappingOf(g5Rows()), { id: 42, nome: 'ACME' }, scope, crm);

    assert.deepEqual(crm.calls, [
      { text: 'SELECT id, empresa, filial FROM definicoes WHERE conta_id = $1 ORDER BY id', values: [42] },
      { text: 'SELECT codigo FROM representantes WHERE definicao_id = $1 AND empresa = $2', values: [7, 1] },
      { text: 'SELECT codigo FROM representantes WHERE definicao_id = $1 AND empresa = $2', values: [8, 1] },
    ]);
  });

  it('gives an empty array when the component query returns no rows', async () => {
    const request = await mapRecord(mappingOf(g5Rows()), { id: 42, nome: 'ACME' }, scope, g5Crm([]));
    assert.deepEqual(request, { parameters: { dadosGeraisCliente: { nomCli: 'ACME', definicoesCliente: [] } } });
  });

  it('rejects the record when an obrigatorio component has no rows', async () => {
    const rows = g5Rows();
    rows.campos[1]!.campo_crm = JSON.stringify({ componente: 20, obrigatorio: true });
    const error = await rejectsWithRecordError(mapRecord(mappingOf(rows), { id: 42, nome: 'ACME' }, scope, g5Crm([])));
    assert.equal(error.message, 'field parameters.dadosGeraisCliente.definicoesCliente (campos_integracao id=2) is required but empty');
  });

  it('names the element of the array in an error inside a component', async () => {
    const error = await rejectsWithRecordError(
      mapRecord(
        mappingOf(g5Rows()),
        { id: 42, nome: 'ACME' },
        scope,
        g5Crm([
          { id: 7, empresa: 1, filial: 1 },
          { id: 8, empresa: null, filial: 1 },
        ]),
      ),
    );
    assert.equal(error.message, 'field parameters.dadosGeraisCliente.definicoesCliente[1].codEmp (campos_integracao id=3) is required but empty');
    assert.equal(error.field, 'parameters.dadosGeraisCliente.definicoesCliente[1].codEmp');
  });

  it('leaves a component out under a false CONDICAO without running its query', async () => {
    const rows = g5Rows();
    rows.regras.push(regra({ campos_integracao_id: 2, tipo: 'CONDICAO', parametro: '{"campo": "tipo_pessoa", "igual": "J"}' }));
    const crm = g5Crm([]);

    const request = await mapRecord(mappingOf(rows), { id: 42, nome: 'ACME', tipo_pessoa: 'F' }, scope, crm);

    assert.deepEqual(request, { parameters: { dadosGeraisCliente: { nomCli: 'ACME' } } });
    assert.equal(crm.calls.length, 0);
  });

  it('throws ConfigError when a component was not parsed with the mapping', async () => {
    const mapping = mappingOf(g5Rows());
    await assert.rejects(mapRecord({ fields: mapping.fields, components: {} }, { id: 42, nome: 'x' }, scope, g5Crm([])), ConfigError);
  });
});

async function rejectsWithRecordError(promise: Promise<unknown>): Promise<RecordError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof RecordError, String(error));
    return error;
  }
  assert.fail('expected a RecordError');
}
