// The DB connector's statement: identifiers validated and quoted, values always bound.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildInsert } from '../../../src/connectors/db';
import { ConfigError } from '../../../src/errors';

test('builds one INSERT with bound values and RETURNING aliased to the value keys', () => {
  const s = buildInsert('erp.Clientes', { nome: "O'Brien; DROP TABLE x", Documento: '123', '"CamelCase"': 1 }, ['codigo', 'Codigo2'], 'erp_db');
  assert.equal(
    s.text,
    'INSERT INTO "erp"."clientes" ("nome", "documento", "CamelCase") VALUES ($1, $2, $3) RETURNING "codigo" AS "codigo", "codigo2" AS "Codigo2"',
  );
  assert.deepEqual(s.values, ["O'Brien; DROP TABLE x", '123', 1]);
});

test('sends objects as JSON text and plain arrays as arrays; skips undefined', () => {
  const s = buildInsert('t', { dados: { a: 1 }, itens: [{ b: 2 }], tags: ['x', 'y'], nada: undefined, vazio: null }, [], 'c');
  assert.equal(s.text, 'INSERT INTO "t" ("dados", "itens", "tags", "vazio") VALUES ($1, $2, $3, $4)');
  assert.deepEqual(s.values, ['{"a":1}', '[{"b":2}]', ['x', 'y'], null]);
  assert.equal(buildInsert('t', {}, ['id'], 'c').text, 'INSERT INTO "t" DEFAULT VALUES RETURNING "id" AS "id"');
});

test('refuses names that are not identifiers, naming every column that holds one', () => {
  assert.throws(
    () => buildInsert('a.b.c', { 'nome); DROP TABLE x; --': 1 }, ['id = 1'], 'erp_db'),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(
        err.issues.map((i) => i.column),
        ['link', 'campo_integracao', 'indice_valor_retorno'],
      );
      return true;
    },
  );
});
