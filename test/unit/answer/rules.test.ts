import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAnswerRules } from '../../../src/answer';

const where = { table: 'integracao', row: 19 };
const parse = (arrayKey: string | null, errorKeys: string | null, valueKeys: string | null) => parseAnswerRules({ arrayKey, errorKeys, valueKeys }, where);

describe('parseAnswerRules', () => {
  it('parses the seed configuration', () => {
    assert.deepEqual(parse('retornosClientes', 'erro,mensagemErro,erroExecucao', 'codCli'), {
      rules: {
        arrayKey: 'retornosClientes',
        errorRules: [
          { key: 'erro', op: 'filled', text: 'erro' },
          { key: 'mensagemErro', op: 'filled', text: 'mensagemErro' },
          { key: 'erroExecucao', op: 'filled', text: 'erroExecucao' },
        ],
        valueKeys: ['codCli'],
      },
      issues: [],
    });
  });

  it('reads null, empty and `parameters` as the whole answer', () => {
    assert.equal(parse(null, null, null).rules.arrayKey, null);
    assert.equal(parse('', null, null).rules.arrayKey, null);
    assert.equal(parse('  ', null, null).rules.arrayKey, null);
    assert.equal(parse('parameters', null, null).rules.arrayKey, null);
    assert.equal(parse(' parameters ', null, null).rules.arrayKey, null);
  });

  it('trims the array key', () => {
    assert.equal(parse(' retornosClientes ', null, null).rules.arrayKey, 'retornosClientes');
  });

  it('trims every entry', () => {
    const { rules } = parse(null, ' erro ,  msg ', ' codCli , cgcCpf ');
    assert.deepEqual(
      rules.errorRules.map((rule) => rule.key),
      ['erro', 'msg'],
    );
    assert.deepEqual(rules.valueKeys, ['codCli', 'cgcCpf']);
  });

  it('parses key=value and key!=value, spaces allowed around the operator', () => {
    assert.deepEqual(parse(null, 'tipoRetorno=2, retorno != OK', null).rules.errorRules, [
      { key: 'tipoRetorno', op: 'equals', expected: '2', text: 'tipoRetorno=2' },
      { key: 'retorno', op: 'notEquals', expected: 'OK', text: 'retorno != OK' },
    ]);
  });

  it('accepts an empty expected value (key= means "error when empty text")', () => {
    assert.deepEqual(parse(null, 'status=', null).rules.errorRules, [{ key: 'status', op: 'equals', expected: '', text: 'status=' }]);
  });

  it('has no rules for null or empty columns', () => {
    assert.deepEqual(parse(null, null, '').rules, { arrayKey: null, errorRules: [], valueKeys: [] });
    assert.deepEqual(parse(null, '  ', null).issues, []);
  });

  it('reports an empty error key name, naming indice_erro_retorno', () => {
    const { rules, issues } = parse(null, 'erro,,msg', null);
    assert.deepEqual(issues, [{ ...where, column: 'indice_erro_retorno', message: 'empty key name in "erro,,msg"' }]);
    assert.deepEqual(
      rules.errorRules.map((rule) => rule.key),
      ['erro', 'msg'],
    );
  });

  it('reports a trailing comma and an operator without a key', () => {
    assert.equal(parse(null, 'erro,', null).issues.length, 1);
    assert.deepEqual(
      parse(null, '!=OK', null).issues.map((issue) => issue.column),
      ['indice_erro_retorno'],
    );
  });

  it('reports an empty value key name, naming indice_valor_retorno', () => {
    assert.deepEqual(parse(null, null, 'codCli, ,x').issues, [{ ...where, column: 'indice_valor_retorno', message: 'empty key name in "codCli, ,x"' }]);
  });

  it('reports a comparison in a value key', () => {
    assert.deepEqual(parse(null, null, 'codCli=1').issues, [
      { ...where, column: 'indice_valor_retorno', message: '"codCli=1": value keys take no comparison' },
    ]);
  });

  it('reports a list in indice_array_retorno', () => {
    assert.deepEqual(parse('a,b', null, null).issues, [{ ...where, column: 'indice_array_retorno', message: 'names one key, got the list "a,b"' }]);
  });

  it('collects every issue at once', () => {
    assert.equal(parse('a,b', ',', ',').issues.length, 5);
  });

  it('lists a repeated value key once', () => {
    assert.deepEqual(parse(null, null, 'codCli,codCli').rules.valueKeys, ['codCli']);
  });
});
