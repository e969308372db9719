import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/errors';
import { Scope, bindSql, checkSqlVariables } from '../../../src/templating';

const params = (values: Record<string, unknown>) => new Scope({ params: values });

describe('bindSql: comments and dollar quotes are left alone', () => {
  it('ignores a variable in a -- comment, even an unknown one', () => {
    const bound = bindSql('SELECT #a# -- filtra por #b#\nFROM t', params({ a: 1 }));
    assert.deepEqual(bound, { text: 'SELECT $1 -- filtra por #b#\nFROM t', values: [1] });
  });

  it('ignores a variable in a /* */ comment', () => {
    assert.deepEqual(bindSql('SELECT /* #x# */ #a#', params({ a: 1 })), { text: 'SELECT /* #x# */ $1', values: [1] });
  });

  it('handles nested block comments as PostgreSQL does', () => {
    assert.deepEqual(bindSql('SELECT /* a /* #x# */ #y# */ #a#', params({ a: 1 })), {
      text: 'SELECT /* a /* #x# */ #y# */ $1',
      values: [1],
    });
  });

  it('does not start a comment inside a literal', () => {
    assert.equal(bindSql("SELECT '--', '/*', #a#", params({ a: 1 })).text, "SELECT '--', '/*', $1");
  });

  it('does not end a literal at a quote inside a comment', () => {
    assert.equal(bindSql("SELECT #a# -- it's\n, 'x'", params({ a: 1 })).text, "SELECT $1 -- it's\n, 'x'");
  });

  it('leaves $$ ... $$ untouched', () => {
    const sql = "DO $$ BEGIN RAISE NOTICE '#x#'; END $$; SELECT #a#";
    assert.deepEqual(bindSql(sql, params({ a: 1 })), { text: "DO $$ BEGIN RAISE NOTICE '#x#'; END $$; SELECT $1", values: [1] });
  });

  it('leaves $tag$ ... $tag$ untouched, including $$ inside it', () => {
    const sql = 'SELECT $fn$ #x# $$ #y# $fn$, #a#';
    assert.equal(bindSql(sql, params({ a: 1 })).text, 'SELECT $fn$ #x# $$ #y# $fn$, $1');
  });

  it('does not take $ inside an identifier for a dollar quote', () => {
    assert.equal(bindSql('SELECT a$b$, #a# FROM t$1', params({ a: 1 })).text, 'SELECT a$b$, $1 FROM t$1');
  });

  it('does not take a quote after an identifier ending in e/n for a string prefix', () => {
    assert.equal(bindSql("SELECT name'#x#'", params({ x: 1 })).text, 'SELECT name$1');
  });

  it('leaves a double-quoted identifier without variables unchanged', () => {
    const sql = 'SELECT "Nome ""Fantasia""", "#", #a# FROM "contas"';
    assert.equal(bindSql(sql, params({ a: 1 })).text, 'SELECT "Nome ""Fantasia""", "#", $1 FROM "contas"');
  });

  it("does not end a standard string at a backslash: 'C:\\' is complete", () => {
    assert.equal(bindSql("SELECT 'C:\\', #a#", params({ a: 1 })).text, "SELECT 'C:\\', $1");
  });

  it("ends an E string only at an unescaped quote: E'\\'#x#'", () => {
    assert.equal(bindSql("SELECT E'\\'#x#'", params({ x: 1 })).text, "SELECT (E'\\'' || $1::text)");
  });

  it('keeps the U& prefix on literal pieces', () => {
    assert.equal(bindSql("SELECT U&'d\\0061 #x#'", params({ x: 1 })).text, "SELECT (U&'d\\0061 ' || $1::text)");
  });
});

describe('bindSql: configuration errors', () => {
  const where = { table: 'integracao', row: 19, column: 'sql_update' };

  const issuesOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.issues;
    }
    assert.fail('expected a ConfigError');
  };

  it('throws one located issue per unknown variable, wherever it stands', () => {
    assert.deepEqual(
      issuesOf(() => bindSql("SELECT #a#, '#b#', '%#c#%', \"#d#\", #a#", params({}), where)),
      [
        { ...where, message: 'unknown variable #a#' },
        { ...where, message: 'unknown variable #b#' },
        { ...where, message: 'unknown variable #c#' },
        { ...where, message: 'unknown variable #d#' },
      ],
    );
  });

  it('rejects a variable inside a longer quoted identifier: it cannot be bound', () => {
    assert.deepEqual(
      issuesOf(() => bindSql('SELECT "col_#x#" FROM t', params({ x: 1 }), where)),
      [{ ...where, message: 'variable #x# inside the quoted identifier "col_#x#" cannot be bound' }],
    );
  });

  it('rejects hand-written positional parameters that would collide with ours', () => {
    assert.deepEqual(
      issuesOf(() => bindSql('SELECT $1, #a#', params({ a: 1 }), where)),
      [{ ...where, message: 'positional parameter $1 is not allowed: use #name#' }],
    );
  });

  it('rejects an unterminated literal', () => {
    assert.deepEqual(
      issuesOf(() => bindSql("SELECT 'abc", params({}), where)),
      [{ ...where, message: 'unterminated string literal starting at character 8' }],
    );
  });

  it('rejects an unterminated comment, identifier and dollar quote', () => {
    assert.match(issuesOf(() => bindSql('SELECT /* x', params({})))[0]!.message, /unterminated comment/);
    assert.match(issuesOf(() => bindSql('SELECT "x', params({})))[0]!.message, /unterminated quoted identifier/);
    assert.match(issuesOf(() => bindSql('SELECT $q$ x', params({})))[0]!.message, /unterminated dollar-quoted string \$q\$/);
  });

  it('does not bind variables that follow an unterminated literal', () => {
    assert.match(issuesOf(() => bindSql("SELECT 'x #a#", params({ a: 1 })))[0]!.message, /unterminated string literal/);
  });
});

describe('checkSqlVariables', () => {
  const where = { table: 'integracao', row: 19, column: 'consulta' };

  it('returns no issue when every variable is known', () => {
    assert.deepEqual(checkSqlVariables("SELECT * FROM contas WHERE id = #contaId# AND nome LIKE '%#nome#%'", new Set(['contaId', 'nome']), where), []);
  });

  it('returns issues instead of throwing', () => {
    assert.deepEqual(checkSqlVariables('SELECT #x# FROM t WHERE a = $2', new Set(), where), [
      { ...where, message: 'unknown variable #x#' },
      { ...where, message: 'positional parameter $2 is not allowed: use #name#' },
    ]);
  });

  it('ignores unknown names in comments and dollar quotes', () => {
    assert.deepEqual(checkSqlVariables('SELECT 1 -- #x#\n/* #y# */ , $$#z#$$', new Set()), []);
  });
});
