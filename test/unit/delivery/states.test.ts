// The statuses and moves of a ledger record, as data (src/delivery/states.ts): the table docs/delivery.md
// shows, checked here so a change to it is a deliberate one.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isAllowed, ON_PICKUP, RECORD_STATUSES, TRANSITIONS as TABLE, transitionsTable, type Transition } from '../../../src/delivery/states';

const TRANSITIONS: readonly Transition[] = TABLE;

test('the transitions table, printed', () => {
  const printed = transitionsTable();
  console.log(printed);
  assert.equal(
    printed,
    [
      'pendente → enviando claim, committed before the call',
      'pendente → erro     mapping error: the request cannot be built (nothing sent)',
      'enviando → enviando claim again after a crash, when the connection is safeToResend',
      'enviando → incerto  found enviando after a crash, not safeToResend',
      'enviando → gravado  answer ok: answer, sql_update and mark in one transaction',
      'enviando → enviado  answer ok, no sql_update (or its transaction failed for a passing reason)',
      'enviando → pendente not processed (retryable transport), or unknown outcome when safeToResend',
      'enviando → erro     business error, final transport error, configuration error, mapping error',
      'enviando → incerto  unknown outcome (timeout after sending, connection lost)',
      'enviado  → gravado  write-back by a retried attempt (never sent again)',
      'enviado  → erro     sql_update fails for this record (erro_tipo gravacao)',
      'enviando → gravado  another run sent the same request and ended gravado: taken, nothing sent',
      'enviando → enviado  another run sent the same request and ended enviado (no sql_update): taken',
    ].join('\n'),
  );
});

test('gravado, erro and incerto are final: no attempt moves a record out of them (settlement will, by a person)', () => {
  for (const status of ['gravado', 'erro', 'incerto'] as const) {
    assert.deepEqual(
      TRANSITIONS.filter((t) => t.from === status),
      [],
      status,
    );
    assert.equal(ON_PICKUP[status], 'report');
  }
  assert.ok(TRANSITIONS.every((t) => t.by === 'attempt'));
});

test('every status is reached from pendente, and only pendente and enviando are sent', () => {
  const reached = new Set<string>(['pendente']);
  let size = 0;
  while (reached.size > size) {
    size = reached.size;
    for (const t of TRANSITIONS) if (reached.has(t.from)) reached.add(t.to);
  }
  assert.deepEqual([...reached].sort(), [...RECORD_STATUSES].sort());
  assert.deepEqual(
    RECORD_STATUSES.filter((s) => ON_PICKUP[s] === 'send' || ON_PICKUP[s] === 'resend-or-incerto'),
    ['pendente', 'enviando'],
  );
  // a record is claimed (enviando) before anything is sent: no move reaches a sent status from pendente directly
  assert.ok(!isAllowed('pendente', 'enviado') && !isAllowed('pendente', 'gravado') && !isAllowed('pendente', 'incerto'));
  // never back from a recorded answer to a status that sends
  assert.ok(!isAllowed('enviado', 'pendente') && !isAllowed('enviado', 'enviando'));
});

test('the table matches the CHECK constraint of integrador.envio.status', () => {
  const dir = join(__dirname, '..', '..', '..', 'src', 'crm', 'migrations');
  const sql = readdirSync(dir)
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  const check = /status IN \(([^)]*)\)\)/.exec(sql.slice(sql.indexOf('CREATE TABLE integrador.envio')))![1]!;
  assert.deepEqual(
    check.split(',').map((s) => s.trim().replace(/'/g, '')),
    [...RECORD_STATUSES],
  );
});
