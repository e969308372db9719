// A DB batch (lote_envio > 1): one multi-row INSERT ... RETURNING, values bound, a missing column DEFAULT.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildMultiInsert } from '../../../src/connectors/db';
import { ConfigError } from '../../../src/errors';

test('rows in order, every column bound; a row without a column gets its DEFAULT', () => {
  const statement = buildMultiInsert('erp.clientes', [{ nome: 'A', id_externo: 1 }, { nome: 'B' }], ['codigo', 'id_externo'], 'erp');
  assert.equal(
    statement.text,
    'INSERT INTO "erp"."clientes" ("nome", "id_externo") VALUES ($1, $2), ($3, DEFAULT) RETURNING "codigo" AS "codigo", "id_externo" AS "id_externo"',
  );
  assert.deepEqual(statement.values, ['A', 1, 'B']);
});

test('a bad column name is a configuration error, as for one row', () => {
  assert.throws(() => buildMultiInsert('clientes', [{ 'nome; drop': 'A' }], [], 'erp'), ConfigError);
  assert.throws(() => buildMultiInsert('clientes', [{}], [], 'erp'), /a DB batch needs at least one mapped column/);
});
