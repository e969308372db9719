import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkVariables, variablesIn } from '../../../src/templating';

describe('variablesIn', () => {
  it('lists names in order of first appearance', () => {
    assert.deepEqual(variablesIn('#b# and #a# then #c#'), ['b', 'a', 'c']);
  });

  it('lists a name used twice once', () => {
    assert.deepEqual(variablesIn('#id# = #id# or #nome# = #id#'), ['id', 'nome']);
  });

  it('accepts underscores and digits after the first character', () => {
    assert.deepEqual(variablesIn('#_x# #empresa_filial_id# #a1#'), ['_x', 'empresa_filial_id', 'a1']);
  });

  it('ignores hashes that do not enclose a valid name', () => {
    assert.deepEqual(variablesIn('# id # #1a# ## #a-b# #a b# Rua #12'), []);
  });

  it('reads #a##b# as two adjacent variables', () => {
    assert.deepEqual(variablesIn('#a##b#'), ['a', 'b']);
  });

  it('takes the first pair in #a#b#, leaving b# as text', () => {
    assert.deepEqual(variablesIn('#a#b#'), ['a']);
  });

  it('finds names inside quotes and comments (it does not know SQL)', () => {
    assert.deepEqual(variablesIn(`'%#nome#%' -- #x#`), ['nome', 'x']);
  });

  it('returns nothing for text without variables', () => {
    assert.deepEqual(variablesIn(''), []);
    assert.deepEqual(variablesIn('SELECT 1'), []);
  });

  it('is case-sensitive, as the scope is', () => {
    assert.deepEqual(variablesIn('#contaId# #contaid#'), ['contaId', 'contaid']);
  });
});

describe('checkVariables', () => {
  const where = { table: 'integracao', row: 19, column: 'link' };

  it('returns no issue when every name is known', () => {
    assert.deepEqual(checkVariables('PUT /clientes/#id_erp#', new Set(['id_erp']), where), []);
  });

  it('returns one issue per unknown name, located', () => {
    assert.deepEqual(checkVariables('#a# #b# #a# #ok#', new Set(['ok']), where), [
      { ...where, message: 'unknown variable #a#' },
      { ...where, message: 'unknown variable #b#' },
    ]);
  });

  it('works without a location', () => {
    assert.deepEqual(checkVariables('#x#', new Set()), [{ message: 'unknown variable #x#' }]);
  });
});
