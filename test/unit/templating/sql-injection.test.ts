// Hostile values must travel only in `values`: the SQL text is built from the configuration alone.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Scope, bindSql } from '../../../src/templating';

const ATTACKS = [
  '1 OR 1=1',
  "'; DROP TABLE contas; --",
  "' OR ''='",
  '1; DELETE FROM contas',
  '$1',
  '$$; DROP TABLE contas; $$',
  '#other#',
  '/* */ #contaId#',
  '\\',
  "\\'; DROP TABLE contas; --",
  'São Paulo — ção 🚀 ∑',
  '\u0000',
  "E'\\x27'",
];

const QUERIES = [
  'SELECT * FROM contas WHERE id = #contaId#',
  "SELECT * FROM contas WHERE id = '#contaId#'",
  'SELECT * FROM contas WHERE id = "#contaId#"',
  "SELECT * FROM contas WHERE nome LIKE '%#contaId#%'",
  "SELECT * FROM contas WHERE nome = E'x#contaId#y'",
  "UPDATE contas SET id_erp = '#contaId#' WHERE id = #contaId#",
];

const scope = (contaId: unknown) => new Scope({ params: { contaId, other: 'SHOULD NOT APPEAR' } });

describe('bindSql: injection attempts stay data', () => {
  for (const attack of ATTACKS) {
    for (const sql of QUERIES) {
      it(`keeps ${JSON.stringify(attack)} out of the text of: ${sql}`, () => {
        const bound = bindSql(sql, scope(attack));
        assert.deepEqual(bound.values, [attack]);
        // The text is exactly what the same query gives for a harmless value.
        assert.equal(bound.text, bindSql(sql, scope(0)).text);
        assert.ok(!bound.text.includes('DROP'));
        assert.ok(!bound.text.includes('#contaId#'));
      });
    }
  }

  it('does not re-expand a #variable# held by a value', () => {
    const bound = bindSql('SELECT #contaId#', scope('#other#'));
    assert.deepEqual(bound, { text: 'SELECT $1', values: ['#other#'] });
  });

  it('binds an attack through every layer of the scope alike', () => {
    const attack = "'; DROP TABLE contas; --";
    for (const layer of ['row', 'captured', 'params', 'builtins'] as const) {
      const bound = bindSql("UPDATE contas SET id_erp = '#codCli#'", new Scope({ [layer]: { codCli: attack } }));
      assert.deepEqual(bound, { text: 'UPDATE contas SET id_erp = $1', values: [attack] });
    }
  });

  it('keeps the placeholder count equal to the number of distinct variables', () => {
    const bound = bindSql("SELECT #a#, '#b#', '%#a#%', #c#", new Scope({ params: { a: '$2', b: '$3', c: '$1' } }));
    assert.equal(bound.text, "SELECT $1, $2, ('%' || $1::text || '%'), $3");
    assert.deepEqual(bound.values, ['$2', '$3', '$1']);
  });
});
