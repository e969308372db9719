import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/errors';
import { applyRule, conditionHolds, type Condition } from '../../../src/mapping/rules';

describe('applyRule', () => {
  const dePara = { id: 1, tipo: 'DE_PARA' as const, map: { PJ: 'J', PF: 'F', '1': 'ativo', '': 'vazio' } };

  it("DE_PARA maps by the value's text and passes unmapped values unchanged", () => {
    assert.equal(applyRule('PJ', dePara), 'J');
    assert.equal(applyRule(1, dePara), 'ativo');
    assert.equal(applyRule('XX', dePara), 'XX');
    assert.equal(applyRule(null, dePara), 'vazio');
  });

  it('DE_PARA does not find keys on the object prototype', () => {
    assert.equal(applyRule('constructor', dePara), 'constructor');
    assert.equal(applyRule('toString', dePara), 'toString');
  });

  it('SOMENTE_DIGITOS keeps digits only', () => {
    assert.equal(applyRule('12.345.678/0001-90', { id: 1, tipo: 'SOMENTE_DIGITOS' }), '12345678000190');
    assert.equal(applyRule(null, { id: 1, tipo: 'SOMENTE_DIGITOS' }), null);
  });

  it('MAIUSCULAS upper-cases accented text', () => {
    assert.equal(applyRule('joão da conceição', { id: 1, tipo: 'MAIUSCULAS' }), 'JOÃO DA CONCEIÇÃO');
  });

  it('TRUNCAR cuts by characters without splitting a surrogate pair', () => {
    assert.equal(applyRule('abcdef', { id: 1, tipo: 'TRUNCAR', length: 3 }), 'abc');
    assert.equal(applyRule('ab', { id: 1, tipo: 'TRUNCAR', length: 3 }), 'ab');
    assert.equal(applyRule('a😀b', { id: 1, tipo: 'TRUNCAR', length: 2 }), 'a😀');
    assert.equal(applyRule(12345, { id: 1, tipo: 'TRUNCAR', length: 2 }), '12');
  });

  it('PADRAO replaces null, undefined and blank text only', () => {
    const padrao = { id: 1, tipo: 'PADRAO' as const, value: 'N' };
    assert.equal(applyRule(null, padrao), 'N');
    assert.equal(applyRule(undefined, padrao), 'N');
    assert.equal(applyRule('  ', padrao), 'N');
    assert.equal(applyRule('S', padrao), 'S');
    assert.equal(applyRule(0, padrao), 0);
  });
});

describe('conditionHolds', () => {
  const row = { tipo_pessoa: 'F', situacao: null, codigo: 1 };
  const rule = (extra: Partial<Condition>): Condition => ({ id: 9, tipo: 'CONDICAO', campo: 'tipo_pessoa', ...extra });

  it('igual holds when the column equals the value', () => {
    assert.equal(conditionHolds(rule({ igual: 'F' }), row), true);
    assert.equal(conditionHolds(rule({ igual: 'J' }), row), false);
  });

  it('diferente holds when the column differs', () => {
    assert.equal(conditionHolds(rule({ diferente: 'J' }), row), true);
    assert.equal(conditionHolds(rule({ diferente: 'F' }), row), false);
  });

  it('compares as text and treats null as empty text', () => {
    assert.equal(conditionHolds(rule({ campo: 'codigo', igual: '1' }), row), true);
    assert.equal(conditionHolds(rule({ campo: 'situacao', igual: null }), row), true);
    assert.equal(conditionHolds(rule({ campo: 'situacao', igual: '' }), row), true);
  });

  it('a list means any of its values', () => {
    assert.equal(conditionHolds(rule({ igual: ['J', 'F'] }), row), true);
    assert.equal(conditionHolds(rule({ diferente: ['J', 'F'] }), row), false);
  });

  it('throws ConfigError naming the regra when the column is not in the CRM row', () => {
    assert.throws(
      () => conditionHolds(rule({ campo: 'tipo', igual: 'F' }), row),
      (error: unknown) =>
        error instanceof ConfigError && error.issues[0]!.table === 'regras' && error.issues[0]!.row === 9 && /column "tipo"/.test(error.message),
    );
  });
});
