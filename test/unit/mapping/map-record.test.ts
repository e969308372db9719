import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, RecordError } from '../../../src/errors';
import { mapRecord } from '../../../src/mapping';
import { parseMapping, type Mapping } from '../../../src/model';
import type { ConfigRows } from '../../../src/model/types';
import { Scope } from '../../../src/templating/scope';
import { campo, configRows, dependencia, integracao, regra } from '../builders';
import { fakeCrm } from './fake-crm';

const scope = new Scope({ params: { contaId: 42, sigInt: 'CRM' }, builtins: { empresa_id: 1 } });

function mappingOf(rows: ConfigRows, id = 19): Mapping {
  const { mapping, issues } = parseMapping(id, rows);
  assert.deepEqual(issues, []);
  return mapping;
}

async function rejectsWith<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${type.name}`);
}

describe('mapRecord sources', () => {
  it('builds nested objects from campo, valor and texto fields', async () => {
    const mapping = mappingOf(
      configRows({
        integracoes: [integracao({ id: 19 })],
        campos: [
          campo({ id: 1, integracao_id: 19, campo_integracao: 'parameters.dadosGeraisCliente.nomCli', campoCrm: { campo: 'nome' } }),
          campo({ id: 2, integracao_id: 19, campo_integracao: 'parameters.dadosGeraisCliente.tipMer', campoCrm: { valor: 'I' } }),
          campo({ id: 3, integracao_id: 19, campo_integracao: 'parameters.dadosGeraisCliente.fonCli', campoCrm: { texto: '(#ddd#) #fone#' } }),
          campo({ id: 4, integracao_id: 19, campo_integracao: 'parameters.sigInt', campoCrm: { texto: '#sigInt#-#empresa_id#' } }),
        ],
      }),
    );

    const request = await mapRecord(mapping, { id: 42, nome: 'ACME Ltda', ddd: '48', fone: '3333-4444' }, scope, fakeCrm());

    assert.deepEqual(request, {
      parameters: {
        dadosGeraisCliente: { nomCli: 'ACME Ltda', tipMer: 'I', fonCli: '(48) 3333-4444' },
        sigInt: 'CRM-1',
      },
    });
  });

  it("lets the row's columns win over parameters in a texto", async () => {
    const mapping = mappingOf(configRows({ campos: [campo({ integracao_id: 19, campo_integracao: 'x', campoCrm: { texto: '#contaId#' } })] }));
    assert.deepEqual(await mapRecord(mapping, { contaId: 'from-row' }, scope, fakeCrm()), { x: 'from-row' });
  });

  it('copies a constant object so two requests never share it', async () => {
    const mapping = mappingOf(configRows({ campos: [campo({ integracao_id: 19, campo_integracao: 'x', campoCrm: { valor: { a: 1 } } })] }));
    const first = await mapRecord(mapping, {}, scope, fakeCrm());
    const second = await mapRecord(mapping, {}, scope, fakeCrm());
    assert.deepEqual(first, second);
    assert.notEqual(first.x, second.x);
  });

  it('sets a null value when the column is null and nothing requires it', async () => {
    const mapping = mappingOf(configRows({ campos: [campo({ integracao_id: 19, campo_integracao: 'a.b', campoCrm: { campo: 'email', tipo: 'texto' } })] }));
    assert.deepEqual(await mapRecord(mapping, { email: null }, scope, fakeCrm()), { a: { b: null } });
  });

  it('throws ConfigError naming the field when the CRM query does not return the column', async () => {
    const field = campo({ integracao_id: 19, campoCrm: { campo: 'fantasia' } });
    const error = await rejectsWith(mapRecord(mappingOf(configRows({ campos: [field] })), { nome: 'x' }, scope, fakeCrm()), ConfigError);
    assert.deepEqual(error.issues[0], {
      table: 'campos_integracao',
      row: field.id,
      column: 'campo_crm',
      message: 'column "fantasia" is not returned by the CRM query',
    });
  });

  it('throws ConfigError for an unknown variable in a texto', async () => {
    const field = campo({ integracao_id: 19, campoCrm: { texto: '#nao_existe#' } });
    const error = await rejectsWith(mapRecord(mappingOf(configRows({ campos: [field] })), {}, scope, fakeCrm()), ConfigError);
    assert.equal(error.issues[0]!.row, field.id);
  });
});

describe('mapRecord rules and conversion', () => {
  it('applies rules in id order, then the tipo', async () => {
    const field = campo({ integracao_id: 19, campo_integracao: 'parameters.cgcCpf', campoCrm: { campo: 'cnpj', tipo: 'inteiro' } });
    const mapping = mappingOf(
      configRows({
        campos: [field],
        regras: [
          regra({ id: 2, campos_integracao_id: field.id, tipo: 'TRUNCAR', parametro: '8' }),
          regra({ id: 1, campos_integracao_id: field.id, tipo: 'SOMENTE_DIGITOS' }),
        ],
      }),
    );

    assert.deepEqual(await mapRecord(mapping, { cnpj: '12.345.678/0001-90' }, scope, fakeCrm()), { parameters: { cgcCpf: 12345678 } });
  });

  it('PADRAO before DE_PARA maps the default; DE_PARA before PADRAO does not', async () => {
    const build = (padraoId: number, deParaId: number) => {
      const field = campo({ integracao_id: 19, campo_integracao: 'tipCli', campoCrm: { campo: 'tipo' } });
      return mappingOf(
        configRows({
          campos: [field],
          regras: [
            regra({ id: padraoId, campos_integracao_id: field.id, tipo: 'PADRAO', parametro: 'PJ' }),
            regra({ id: deParaId, campos_integracao_id: field.id, tipo: 'DE_PARA', parametro: '{"PJ": "J", "PF": "F"}' }),
          ],
        }),
      );
    };
    assert.deepEqual(await mapRecord(build(1, 2), { tipo: null }, scope, fakeCrm()), { tipCli: 'J' });
    assert.deepEqual(await mapRecord(build(2, 1), { tipo: null }, scope, fakeCrm()), { tipCli: 'PJ' });
    assert.deepEqual(await mapRecord(build(1, 2), { tipo: 'PF' }, scope, fakeCrm()), { tipCli: 'F' });
  });

  it('sends a decimal as G5 text with a comma, a date as dd/MM/yyyy and a boolean', async () => {
    const mapping = mappingOf(
      configRows({
        campos: [
          campo({ id: 1, integracao_id: 19, campo_integracao: 'limCre', campoCrm: { campo: 'limite', tipo: 'decimal', formato: 'virgula' } }),
          campo({ id: 2, integracao_id: 19, campo_integracao: 'datCad', campoCrm: { campo: 'criado_em', tipo: 'data' } }),
          campo({ id: 3, integracao_id: 19, campo_integracao: 'cliCon', campoCrm: { campo: 'contribuinte', tipo: 'booleano', formato: 'S/N' } }),
          campo({ id: 4, integracao_id: 19, campo_integracao: 'ativo', campoCrm: { campo: 'ativo', tipo: 'booleano' } }),
        ],
      }),
    );

    const request = await mapRecord(mapping, { limite: '350.2', criado_em: new Date(2024, 2, 5), contribuinte: true, ativo: 'N' }, scope, fakeCrm());

    assert.deepEqual(request, { limCre: '350,20', datCad: '05/03/2024', cliCon: 'S', ativo: false });
  });

  it('rejects a non-numeric inteiro with a RecordError naming the field and its id', async () => {
    const field = campo({ integracao_id: 19, campo_integracao: 'parameters.codCli', campoCrm: { campo: 'id_erp', tipo: 'inteiro' } });
    const error = await rejectsWith(mapRecord(mappingOf(configRows({ campos: [field] })), { id_erp: 'A12' }, scope, fakeCrm()), RecordError);
    assert.equal(error.message, `field parameters.codCli (campos_integracao id=${field.id}) "A12" is not an integer`);
    assert.equal(error.field, 'parameters.codCli');
  });
});

describe('mapRecord obrigatorio', () => {
  for (const [label, value] of [
    ['null', null],
    ['blank text', '   '],
    ['a missing value after rules', '---'],
  ] as const) {
    it(`rejects ${label} naming the field`, async () => {
      const field = campo({ integracao_id: 19, campo_integracao: 'parameters.dadosGeraisCliente.nomCli', campoCrm: { campo: 'nome', obrigatorio: true } });
      const rows = configRows({ campos: [field], regras: [regra({ campos_integracao_id: field.id, tipo: 'SOMENTE_DIGITOS' })] });
      const error = await rejectsWith(mapRecord(mappingOf(rows), { nome: value }, scope, fakeCrm()), RecordError);
      assert.equal(error.message, `field parameters.dadosGeraisCliente.nomCli (campos_integracao id=${field.id}) is required but empty`);
      assert.equal(error.field, 'parameters.dadosGeraisCliente.nomCli');
    });
  }

  it('accepts a value that PADRAO filled in', async () => {
    const field = campo({ integracao_id: 19, campo_integracao: 'sitCli', campoCrm: { campo: 'situacao', obrigatorio: true } });
    const rows = configRows({ campos: [field], regras: [regra({ campos_integracao_id: field.id, tipo: 'PADRAO', parametro: 'A' })] });
    assert.deepEqual(await mapRecord(mappingOf(rows), { situacao: '' }, scope, fakeCrm()), { sitCli: 'A' });
  });

  it('accepts zero and false, which are not empty', async () => {
    const rows = configRows({
      campos: [
        campo({ integracao_id: 19, campo_integracao: 'a', campoCrm: { campo: 'n', tipo: 'inteiro', obrigatorio: true } }),
        campo({ integracao_id: 19, campo_integracao: 'b', campoCrm: { campo: 'f', tipo: 'booleano', obrigatorio: true } }),
      ],
    });
    assert.deepEqual(await mapRecord(mappingOf(rows), { n: 0, f: 'N' }, scope, fakeCrm()), { a: 0, b: false });
  });
});

describe('mapRecord CONDICAO', () => {
  const cpfCnpj = () => {
    const cpf = campo({ id: 1, integracao_id: 19, campo_integracao: 'parameters.cgcCpf', campoCrm: { campo: 'cpf', obrigatorio: true } });
    const cnpj = campo({ id: 2, integracao_id: 19, campo_integracao: 'parameters.cgcCpf', campoCrm: { campo: 'cnpj', obrigatorio: true } });
    const nome = campo({ id: 3, integracao_id: 19, campo_integracao: 'parameters.nomCli', campoCrm: { campo: 'nome' } });
    return { cpf, cnpj, nome };
  };

  it('leaves a field out of the request when its condition is false', async () => {
    const { cpf, nome } = cpfCnpj();
    const rows = configRows({
      campos: [cpf, nome],
      regras: [regra({ campos_integracao_id: cpf.id, tipo: 'CONDICAO', parametro: '{"campo": "tipo_pessoa", "igual": "F"}' })],
    });

    const request = await mapRecord(mappingOf(rows), { tipo_pessoa: 'J', cpf: null, nome: 'ACME' }, scope, fakeCrm());

    assert.deepEqual(request, { parameters: { nomCli: 'ACME' } });
  });

  it('picks one of two alternative fields for the same path', async () => {
    const { cpf, cnpj } = cpfCnpj();
    const rows = configRows({
      campos: [cpf, cnpj],
      regras: [
        regra({ campos_integracao_id: cpf.id, tipo: 'CONDICAO', parametro: '{"campo": "tipo_pessoa", "igual": "F"}' }),
        regra({ campos_integracao_id: cnpj.id, tipo: 'CONDICAO', parametro: '{"campo": "tipo_pessoa", "diferente": "F"}' }),
      ],
    });

    assert.deepEqual(await mapRecord(mappingOf(rows), { tipo_pessoa: 'F', cpf: '1', cnpj: null }, scope, fakeCrm()), { parameters: { cgcCpf: '1' } });
    assert.deepEqual(await mapRecord(mappingOf(rows), { tipo_pessoa: 'J', cpf: null, cnpj: '2' }, scope, fakeCrm()), { parameters: { cgcCpf: '2' } });
  });

  it('rejects the record when two alternatives both hold', async () => {
    const { cpf, cnpj } = cpfCnpj();
    const rows = configRows({
      campos: [cpf, cnpj],
      regras: [
        regra({ campos_integracao_id: cpf.id, tipo: 'CONDICAO', parametro: '{"campo": "tipo_pessoa", "igual": ["F", "J"]}' }),
        regra({ campos_integracao_id: cnpj.id, tipo: 'CONDICAO', parametro: '{"campo": "tipo_pessoa", "igual": "J"}' }),
      ],
    });
    const error = await rejectsWith(mapRecord(mappingOf(rows), { tipo_pessoa: 'J', cpf: '1', cnpj: '2' }, scope, fakeCrm()), RecordError);
    assert.match(error.message, /campos_integracao id=2\) is also set by campos_integracao id=1/);
  });

  it('runs no lookup for a field it leaves out, so an obrigatoria lookup cannot fail it', async () => {
    const field = campo({ integracao_id: 19, campo_integracao: 'cidCli', campoCrm: { campo: 'cidade_id' } });
    const rows = configRows({
      campos: [field],
      regras: [regra({ campos_integracao_id: field.id, tipo: 'CONDICAO', parametro: '{"campo": "pais", "igual": "BR"}' })],
      dependencias: [dependencia({ campos_integracao_id: field.id, obrigatoria: true })],
    });
    const crm = fakeCrm([[/cidades/, []]]);

    assert.deepEqual(await mapRecord(mappingOf(rows), { pais: 'AR', cidade_id: 5 }, scope, crm), {});
    assert.equal(crm.calls.length, 0);
  });
});

describe('mapRecord lookups (dependencias)', () => {
  const setup = (obrigatoria: boolean) => {
    const field = campo({ integracao_id: 19, campo_integracao: 'parameters.cidCli', campoCrm: { campo: 'cidade_id', tipo: 'inteiro' } });
    const lookup = dependencia({
      campos_integracao_id: field.id,
      sql: "SELECT codigo_erp, nome FROM cidades WHERE id = '#cidade_id#' AND uf = #uf#",
      obrigatoria,
    });
    return { field, lookup, mapping: mappingOf(configRows({ campos: [field], dependencias: [lookup] })) };
  };

  it("takes the first column of the first row, from a query with the row's values bound", async () => {
    const { mapping } = setup(false);
    const crm = fakeCrm([
      [
        /FROM cidades/,
        [
          { codigo_erp: '4205407', nome: 'Florianópolis' },
          { codigo_erp: '1', nome: 'x' },
        ],
      ],
    ]);

    const request = await mapRecord(mapping, { cidade_id: 77, uf: "SC' OR 1=1 --" }, scope, crm);

    assert.deepEqual(request, { parameters: { cidCli: 4205407 } });
    assert.deepEqual(crm.calls, [{ text: 'SELECT codigo_erp, nome FROM cidades WHERE id = $1 AND uf = $2', values: [77, "SC' OR 1=1 --"] }]);
  });

  it('gives null when the lookup finds no row and is not obrigatoria', async () => {
    const { mapping } = setup(false);
    assert.deepEqual(await mapRecord(mapping, { cidade_id: 77, uf: 'SC' }, scope, fakeCrm([[/cidades/, []]])), { parameters: { cidCli: null } });
  });

  it('rejects the record when an obrigatoria lookup finds no row', async () => {
    const { field, lookup, mapping } = setup(true);
    const error = await rejectsWith(mapRecord(mapping, { cidade_id: 77, uf: 'SC' }, scope, fakeCrm([[/cidades/, []]])), RecordError);
    assert.equal(
      error.message,
      `field parameters.cidCli (campos_integracao id=${field.id}) has no value: lookup dependencias id=${lookup.id} is obrigatoria and found no row`,
    );
  });

  it('rejects the record when an obrigatoria lookup finds only null', async () => {
    const { mapping } = setup(true);
    const error = await rejectsWith(mapRecord(mapping, { cidade_id: 77, uf: 'SC' }, scope, fakeCrm([[/cidades/, [{ codigo_erp: null }]]])), RecordError);
    assert.match(error.message, /found null$/);
  });

  it('passes an obrigatoria lookup that finds a row', async () => {
    const { mapping } = setup(true);
    assert.deepEqual(await mapRecord(mapping, { cidade_id: 1, uf: 'SC' }, scope, fakeCrm([[/cidades/, [{ codigo_erp: 9 }]]])), { parameters: { cidCli: 9 } });
  });

  it('runs lookups in field id order', async () => {
    const a = campo({ id: 2, integracao_id: 19, campo_integracao: 'a', campoCrm: { campo: 'x' } });
    const b = campo({ id: 1, integracao_id: 19, campo_integracao: 'b', campoCrm: { campo: 'x' } });
    const rows = configRows({
      campos: [a, b],
      dependencias: [dependencia({ campos_integracao_id: a.id, sql: 'SELECT 2' }), dependencia({ campos_integracao_id: b.id, sql: 'SELECT 1' })],
    });
    const crm = fakeCrm([[/SELECT/, [{ v: 0 }]]]);

    await mapRecord(mappingOf(rows), { x: 1 }, scope, crm);

    assert.deepEqual(
      crm.calls.map((call) => call.text),
      ['SELECT 1', 'SELECT 2'],
    );
  });
});
