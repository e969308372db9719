import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Scope, bindSql } from '../../../src/templating';

const params = (values: Record<string, unknown>) => new Scope({ params: values });

describe('bindSql: unquoted variables', () => {
  it('binds the seed query parameter as $1', () => {
    const bound = bindSql('SELECT c.id_erp, c.nome FROM contas AS c WHERE c.id = #contaId#', params({ contaId: 42 }));
    assert.deepEqual(bound, { text: 'SELECT c.id_erp, c.nome FROM contas AS c WHERE c.id = $1', values: [42] });
  });

  it('numbers placeholders in order of first appearance', () => {
    const bound = bindSql('UPDATE contas SET id_erp = #codCli# WHERE id = #contaId#', params({ contaId: 42, codCli: 1001 }));
    assert.deepEqual(bound, { text: 'UPDATE contas SET id_erp = $1 WHERE id = $2', values: [1001, 42] });
  });

  it('reuses the placeholder of a variable used twice', () => {
    const bound = bindSql('SELECT #a#, #b#, #a#', params({ a: 1, b: 2 }));
    assert.deepEqual(bound, { text: 'SELECT $1, $2, $1', values: [1, 2] });
  });

  it('keeps a cast written after a variable', () => {
    assert.equal(bindSql('SELECT #d#::date', params({ d: '2024-01-01' })).text, 'SELECT $1::date');
  });

  it('binds variables next to parentheses and operators', () => {
    assert.equal(bindSql('WHERE id IN (#a#,#b#) AND x=#c#+1', params({ a: 1, b: 2, c: 3 })).text, 'WHERE id IN ($1,$2) AND x=$3+1');
  });

  it('leaves SQL without variables unchanged', () => {
    const sql = "SELECT * FROM contas WHERE nome = 'x' -- done";
    assert.deepEqual(bindSql(sql, params({})), { text: sql, values: [] });
  });

  it('leaves the # operator and jsonb #> operators alone', () => {
    const sql = "SELECT 5 # 3, data #> '{a,b}', data #>> '{c}' FROM t";
    assert.deepEqual(bindSql(sql, params({})), { text: sql, values: [] });
  });

  it('resolves names through the scope order (row first)', () => {
    const scope = new Scope({ row: { id: 'row' }, params: { id: 'param' } });
    assert.deepEqual(bindSql('SELECT #id#', scope).values, ['row']);
  });
});

describe('bindSql: quotes around a variable are absorbed', () => {
  it("turns '#id#' into $1", () => {
    assert.deepEqual(bindSql("UPDATE contas SET id_erp = '#codCli#' WHERE id = #contaId#", params({ codCli: 7, contaId: 1 })), {
      text: 'UPDATE contas SET id_erp = $1 WHERE id = $2',
      values: [7, 1],
    });
  });

  it('turns "#id#" into $1', () => {
    assert.equal(bindSql('SELECT * FROM t WHERE c = "#id#"', params({ id: 1 })).text, 'SELECT * FROM t WHERE c = $1');
  });

  it("keeps a cast after an absorbed literal: '#d#'::date", () => {
    assert.equal(bindSql("SELECT '#d#'::date", params({ d: '2024-01-01' })).text, 'SELECT $1::date');
  });

  it("absorbs E'#x#' too", () => {
    assert.equal(bindSql("SELECT E'#x#'", params({ x: 1 })).text, 'SELECT $1');
  });

  it('shares the placeholder between quoted and unquoted uses', () => {
    assert.deepEqual(bindSql("SELECT '#a#', #a#", params({ a: 1 })), { text: 'SELECT $1, $1', values: [1] });
  });
});

describe('bindSql: variables inside a longer literal become a concatenation', () => {
  it("binds '%#nome#%' for LIKE", () => {
    assert.deepEqual(bindSql("SELECT * FROM contas WHERE nome LIKE '%#nome#%'", params({ nome: 'Acme' })), {
      text: "SELECT * FROM contas WHERE nome LIKE ('%' || $1::text || '%')",
      values: ['Acme'],
    });
  });

  it("binds '#a# #b#' as two parameters around the literal space", () => {
    assert.deepEqual(bindSql("SELECT '#a# #b#'", params({ a: '48', b: '3333' })), {
      text: "SELECT ($1::text || ' ' || $2::text)",
      values: ['48', '3333'],
    });
  });

  it("binds '#a##b#' without an empty literal between", () => {
    assert.equal(bindSql("SELECT '#a##b#'", params({ a: 1, b: 2 })).text, 'SELECT ($1::text || $2::text)');
  });

  it('parenthesizes so a trailing cast applies to the whole text', () => {
    assert.equal(bindSql("SELECT '#ano#-01-01'::date", params({ ano: 2024 })).text, "SELECT ($1::text || '-01-01')::date");
  });

  it("keeps doubled quotes of the literal: 'it''s #x#'", () => {
    assert.equal(bindSql("SELECT 'it''s #x#'", params({ x: 1 })).text, "SELECT ('it''s ' || $1::text)");
  });

  it('keeps the E prefix and backslash escapes on each piece', () => {
    assert.equal(bindSql("SELECT E'a\\n#x#\\t'", params({ x: 1 })).text, "SELECT (E'a\\n' || $1::text || E'\\t')");
  });

  it('does not take an escaped \\# in an E string as the start of a variable', () => {
    const bound = bindSql("SELECT E'\\#x# #y#'", params({ y: 1 }));
    assert.deepEqual(bound, { text: "SELECT (E'\\#x# ' || $1::text)", values: [1] });
  });

  it('reuses the placeholder inside and outside a literal', () => {
    assert.deepEqual(bindSql("SELECT #a#, '(#a#)'", params({ a: 1 })), {
      text: "SELECT $1, ('(' || $1::text || ')')",
      values: [1],
    });
  });

  it('leaves a literal with a lone # or a non-name unchanged', () => {
    const sql = "SELECT 'Rua #12', '#1#', '# x #'";
    assert.deepEqual(bindSql(sql, params({})), { text: sql, values: [] });
  });
});
