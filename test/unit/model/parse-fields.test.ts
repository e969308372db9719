import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseComponents, parseFields, parseMapping } from '../../../src/model';
import { campo, componente, configRows, dependencia, integracao, regra } from '../builders';

describe('parseFields', () => {
  it("returns only the integration's fields, in id order, with their rules in id order", () => {
    const nome = campo({ id: 12, integracao_id: 19, campo_integracao: 'parameters.nomCli', campoCrm: { campo: 'nome' } });
    const tipo = campo({ id: 11, integracao_id: 19, campo_integracao: 'parameters.tipCli', campoCrm: { campo: 'tipo' } });
    const other = campo({ id: 10, integracao_id: 20, campo_integracao: 'x' });
    const rows = configRows({
      campos: [nome, tipo, other],
      regras: [
        regra({ id: 3, campos_integracao_id: 12, tipo: 'TRUNCAR', parametro: '40' }),
        regra({ id: 1, campos_integracao_id: 12, tipo: 'MAIUSCULAS' }),
        regra({ id: 2, campos_integracao_id: 11, tipo: 'DE_PARA', parametro: '{"PJ": "J"}' }),
      ],
    });

    const { fields, issues } = parseFields(19, rows);

    assert.deepEqual(issues, []);
    assert.deepEqual(
      fields.map((f) => f.id),
      [11, 12],
    );
    assert.deepEqual(
      fields[1]!.rules.map((r) => r.id),
      [1, 3],
    );
    assert.deepEqual(fields[1], {
      id: 12,
      path: 'parameters.nomCli',
      source: { kind: 'campo', column: 'nome' },
      obrigatorio: false,
      rules: [
        { id: 1, tipo: 'MAIUSCULAS' },
        { id: 3, tipo: 'TRUNCAR', length: 40 },
      ],
    });
  });

  it("attaches the dependencia as the field's lookup, with its consulta parsed", () => {
    const cidade = campo({ integracao_id: 19, campo_integracao: 'cidCli', campoCrm: { campo: 'cidade_id' } });
    const lookup = dependencia({ campos_integracao_id: cidade.id, sql: 'SELECT nome FROM cidades WHERE id = #cidade_id#', obrigatoria: true });

    const { fields, issues } = parseFields(19, configRows({ campos: [cidade], dependencias: [lookup] }));

    assert.deepEqual(issues, []);
    assert.deepEqual(fields[0]!.lookup, { id: lookup.id, sql: 'SELECT nome FROM cidades WHERE id = #cidade_id#', obrigatoria: true });
  });

  it('collects issues from every table, each naming its table, row and column', () => {
    const badJson = campo({ integracao_id: 19, campo_integracao: 'a', campoCrm: '{"campo": ' });
    const badPath = campo({ integracao_id: 19, campo_integracao: 'parameters..nomCli' });
    const good = campo({ integracao_id: 19, campo_integracao: 'b' });
    const badRule = regra({ campos_integracao_id: good.id, tipo: 'NOPE' });
    const badLookup = dependencia({ campos_integracao_id: good.id });
    badLookup.consulta = '{"sql": "SELECT 1"}';

    const { fields, issues } = parseFields(19, configRows({ campos: [badJson, badPath, good], regras: [badRule], dependencias: [badLookup] }));

    assert.deepEqual(fields, []);
    assert.deepEqual(
      issues.map((i) => [i.table, i.row, i.column]),
      [
        ['campos_integracao', badJson.id, 'campo_crm'],
        ['campos_integracao', badPath.id, 'campo_integracao'],
        ['regras', badRule.id, 'tipo'],
        ['dependencias', badLookup.id, 'consulta'],
        ['dependencias', badLookup.id, 'consulta'],
      ],
    );
  });

  it('rejects two dependencias on one field', () => {
    const field = campo({ integracao_id: 19 });
    const rows = configRows({
      campos: [field],
      dependencias: [dependencia({ campos_integracao_id: field.id }), dependencia({ campos_integracao_id: field.id })],
    });

    const { issues } = parseFields(19, rows);

    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, /has 2 dependencias/);
  });

  it('rejects __proto__ in a target path', () => {
    const { issues } = parseFields(19, configRows({ campos: [campo({ integracao_id: 19, campo_integracao: 'a.__proto__.b' })] }));
    assert.match(issues[0]!.message, /"__proto__" cannot be used/);
  });

  it('rejects two fields with one path unless both have a CONDICAO', () => {
    const a = campo({ integracao_id: 19, campo_integracao: 'cgcCpf', campoCrm: { campo: 'cpf' } });
    const b = campo({ integracao_id: 19, campo_integracao: 'cgcCpf', campoCrm: { campo: 'cnpj' } });
    assert.match(parseFields(19, configRows({ campos: [a, b] })).issues[0]!.message, /also the target of campos_integracao id=/);

    const conditions = [
      regra({ campos_integracao_id: a.id, tipo: 'CONDICAO', parametro: '{"campo": "tipo_pessoa", "igual": "F"}' }),
      regra({ campos_integracao_id: b.id, tipo: 'CONDICAO', parametro: '{"campo": "tipo_pessoa", "igual": "J"}' }),
    ];
    assert.deepEqual(parseFields(19, configRows({ campos: [a, b], regras: conditions })).issues, []);
  });

  it("rejects a path inside another field's value", () => {
    const a = campo({ integracao_id: 19, campo_integracao: 'parameters.endereco' });
    const b = campo({ integracao_id: 19, campo_integracao: 'parameters.endereco.cep' });
    assert.match(parseFields(19, configRows({ campos: [a, b] })).issues[0]!.message, /overlaps "parameters.endereco"/);
  });

  it('allows only CONDICAO rules and no lookup on a componente field', () => {
    const field = campo({ integracao_id: 19, campo_integracao: 'itens', campoCrm: { componente: 20 } });
    const rows = configRows({
      campos: [field],
      regras: [
        regra({ campos_integracao_id: field.id, tipo: 'MAIUSCULAS' }),
        regra({ campos_integracao_id: field.id, tipo: 'CONDICAO', parametro: '{"campo": "a", "igual": 1}' }),
      ],
      dependencias: [dependencia({ campos_integracao_id: field.id })],
    });

    const messages = parseFields(19, rows).issues.map((i) => i.message);

    assert.equal(messages.length, 2);
    assert.match(messages[0]!, /MAIUSCULAS does not apply to a "componente"/);
    assert.match(messages[1]!, /cannot take its value from a lookup/);
  });
});

describe('parseComponents', () => {
  // 19 ──componente──▶ 20 ──componente──▶ 21
  it('resolves components transitively, each with its SQL and fields', () => {
    const rows = configRows({
      integracoes: [
        integracao({ id: 19 }),
        componente(20, 'SELECT * FROM definicoes WHERE conta_id = #id#'),
        componente(21, 'SELECT * FROM representantes WHERE definicao_id = #id#'),
      ],
      campos: [
        campo({ id: 1, integracao_id: 19, campo_integracao: 'parameters.definicoesCliente', campoCrm: { componente: 20 } }),
        campo({ id: 2, integracao_id: 20, campo_integracao: 'codEmp', campoCrm: { campo: 'empresa', tipo: 'inteiro' } }),
        campo({ id: 3, integracao_id: 20, campo_integracao: 'representantes', campoCrm: { componente: 21 } }),
        campo({ id: 4, integracao_id: 21, campo_integracao: 'codRep', campoCrm: { campo: 'codigo' } }),
      ],
    });

    const { components, issues } = parseComponents(19, rows);

    assert.deepEqual(issues, []);
    assert.deepEqual(Object.keys(components), ['20', '21']);
    assert.equal(components[20]!.sql, 'SELECT * FROM definicoes WHERE conta_id = #id#');
    assert.deepEqual(
      components[20]!.fields.map((f) => f.path),
      ['codEmp', 'representantes'],
    );
    assert.deepEqual(
      components[21]!.fields.map((f) => f.path),
      ['codRep'],
    );
  });

  it('reports a component that does not exist or is not a component', () => {
    const missing = campo({ integracao_id: 19, campoCrm: { componente: 99 } });
    const notComponent = campo({ integracao_id: 19, campo_integracao: 'y', campoCrm: { componente: 30 } });
    const rows = configRows({ integracoes: [integracao({ id: 19 }), integracao({ id: 30 })], campos: [missing, notComponent] });

    const { issues } = parseComponents(19, rows);

    assert.deepEqual(
      issues.map((i) => [i.table, i.row, i.column]),
      [
        ['campos_integracao', missing.id, 'campo_crm'],
        ['campos_integracao', notComponent.id, 'campo_crm'],
      ],
    );
    assert.match(issues[0]!.message, /integracao 99 does not exist/);
    assert.match(issues[1]!.message, /integracao 30 is not a component/);
  });

  it('reports a component whose consulta or fields are wrong', () => {
    const rows = configRows({
      integracoes: [integracao({ id: 19 }), componente(20, 'x', { consulta: '{"consulta": ""}' })],
      campos: [campo({ integracao_id: 19, campoCrm: { componente: 20 } }), campo({ id: 77, integracao_id: 20, campoCrm: { campo: 'a', tipo: 'real' } })],
    });

    const { issues } = parseComponents(19, rows);

    assert.deepEqual(
      issues.map((i) => [i.table, i.row, i.column]),
      [
        ['integracao', 20, 'consulta'],
        ['campos_integracao', 77, 'campo_crm'],
      ],
    );
  });

  // 19 ──▶ 20 ──▶ 21 ──▶ 20   (20 and 21 build each other)
  it('reports a cycle among components naming the ids', () => {
    const closing = campo({ integracao_id: 21, campo_integracao: 'b', campoCrm: { componente: 20 } });
    const rows = configRows({
      integracoes: [integracao({ id: 19 }), componente(20, 'SELECT 1'), componente(21, 'SELECT 2')],
      campos: [
        campo({ integracao_id: 19, campoCrm: { componente: 20 } }),
        campo({ integracao_id: 20, campo_integracao: 'a', campoCrm: { componente: 21 } }),
        closing,
      ],
    });

    const { issues } = parseComponents(19, rows);

    assert.equal(issues.length, 1);
    assert.deepEqual([issues[0]!.table, issues[0]!.row, issues[0]!.column], ['campos_integracao', closing.id, 'campo_crm']);
    assert.match(issues[0]!.message, /components form a cycle: 20 → 21 → 20/);
  });

  // 20 ──▶ 20
  it('reports a component that contains itself', () => {
    const rows = configRows({
      integracoes: [integracao({ id: 19 }), componente(20, 'SELECT 1')],
      campos: [campo({ integracao_id: 19, campoCrm: { componente: 20 } }), campo({ integracao_id: 20, campoCrm: { componente: 20 } })],
    });

    assert.match(parseComponents(19, rows).issues[0]!.message, /cycle: 20 → 20/);
  });

  it('parses a component used by two fields once', () => {
    const rows = configRows({
      integracoes: [integracao({ id: 19 }), componente(20, 'SELECT 1')],
      campos: [
        campo({ integracao_id: 19, campo_integracao: 'a', campoCrm: { componente: 20 } }),
        campo({ integracao_id: 19, campo_integracao: 'b', campoCrm: { componente: 20 } }),
      ],
    });

    const { components, issues } = parseComponents(19, rows);

    assert.deepEqual(issues, []);
    assert.deepEqual(Object.keys(components), ['20']);
  });
});

describe('parseMapping', () => {
  it('returns fields and components with the issues of both', () => {
    const rows = configRows({
      integracoes: [integracao({ id: 19 }), componente(20, 'SELECT 1')],
      campos: [
        campo({ integracao_id: 19, campoCrm: { componente: 20 } }),
        campo({ integracao_id: 19, campo_integracao: 'z', campoCrm: '{' }),
        campo({ integracao_id: 20, campoCrm: { valor: 1, tipo: 'x' } }),
      ],
    });

    const { mapping, issues } = parseMapping(19, rows);

    assert.equal(mapping.fields.length, 1);
    assert.deepEqual(Object.keys(mapping.components), ['20']);
    assert.equal(issues.length, 2);
  });
});
