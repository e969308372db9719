// SQLSTATE classification: read off a driver error once, classified by class for the CRM's own SQL and
// for a DB receiver's INSERT (the tables the connectors and the CRM code used to keep apart).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crmSqlFault, formatSqlFailure, isLoginRefused, receiverSqlFault, sqlFailureOf, type SqlFailure } from '../../src/sqlstate';
import { asConfigSql, isConfigSqlError } from '../../src/crm/sql-errors';
import { ConfigError } from '../../src/errors';

const pgError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });
const failure = (code: string): SqlFailure => sqlFailureOf(pgError(code))!;

test('a database error is its SQLSTATE and its words; anything else is none', () => {
  assert.deepEqual(sqlFailureOf(pgError('42703', 'column "x" does not exist')), { code: '42703', sqlClass: '42', message: 'column "x" does not exist' });
  assert.equal(sqlFailureOf(new Error('socket hang up')), undefined);
  assert.equal(sqlFailureOf(Object.assign(new Error('x'), { code: 'ECONNRESET' })), undefined);
  assert.equal(sqlFailureOf(undefined), undefined);
  assert.equal(formatSqlFailure(failure('42601')), 'SQL error 42601: boom');
});

test("the CRM's configured SQL: syntax, undefined objects and data errors are the configuration's", () => {
  for (const code of ['42601', '42703', '22P02', '0A000', '21000', '23505', '2BP01', '44000']) assert.equal(crmSqlFault(failure(code)), 'config', code);
  for (const code of ['40001', '53300', '57014', '08006', 'P0001', 'XX000']) assert.equal(crmSqlFault(failure(code)), 'passing', code);
  assert.equal(isConfigSqlError(pgError('42P01')), true);
  assert.equal(isConfigSqlError(pgError('40P01')), false);
  assert.equal(isConfigSqlError(new Error('no code')), false);
});

test('asConfigSql turns a configuration SQL error into a located ConfigError and lets others through', async () => {
  const where = { table: 'integracao', row: 19, column: 'consulta' };
  await assert.rejects(
    asConfigSql(where, () => Promise.reject(pgError('42703', 'column "idd" does not exist'))),
    (err: unknown) => err instanceof ConfigError && err.issues[0]!.message === 'SQL error 42703: column "idd" does not exist' && err.issues[0]!.row === 19,
  );
  await assert.rejects(
    asConfigSql(where, () => Promise.reject(pgError('40001'))),
    (err: unknown) => !(err instanceof ConfigError),
  );
  assert.equal(await asConfigSql(where, async () => 7), 7);
});

test("a DB receiver's failed INSERT: whose fault each class is", () => {
  const cases: Array<[string, ReturnType<typeof receiverSqlFault>]> = [
    ['23505', 'record'],
    ['22001', 'record'],
    ['P0001', 'record'],
    ['44000', 'record'],
    ['42P01', 'config'],
    ['0A000', 'config'],
    ['21000', 'config'],
    ['57014', 'timeout'],
    ['40001', 'passing'],
    ['53300', 'passing'],
    ['55P03', 'passing'],
    ['25006', 'passing'],
    ['08006', 'connectionLost'],
    ['57P01', 'connectionLost'],
    ['57P02', 'connectionLost'],
    ['2BP01', 'other'],
    ['XX000', 'other'],
  ];
  for (const [code, fault] of cases) assert.equal(receiverSqlFault(failure(code)), fault, code);
  assert.equal(isLoginRefused(failure('28P01')), true);
  assert.equal(isLoginRefused(failure('3D000')), true);
  assert.equal(isLoginRefused(failure('42P01')), false);
  assert.equal(isLoginRefused(undefined), false);
});
