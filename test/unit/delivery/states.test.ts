// The statuses and moves of a ledger record, as data (src/delivery/states.ts): the table docs/delivery.md
// shows, checked here so a change to it is a deliberate one.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isAllowed, ON_PICKUP, RECORD_STATUSES, SETTLEABLE, TRANSITIONS as TABLE, transitionsTable, type Transition } from '../../../src/delivery/states';

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
      'pendente → inalterado somente_alterados: same request digest as the last success (nothing sent)',
      'incerto  → gravado  confirmar: the given values, sql_update and mark in one transaction',
      'incerto  → enviado  confirmar, no sql_update: the given values are kept',
      'incerto  → descartado descartar, with a reason',
      'incerto  → pendente reenviar: sent once more (by the settlement, through deliverRecord)',
      'erro     → pendente reenviar after the data was fixed: the consulta is run again for this key',
      'enviando → gravado  another run sent the same request and ended gravado: taken, nothing sent',
      'enviando → enviado  another run sent the same request and ended enviado (no sql_update): taken',
    ].join('\n'),
  );
});

test('gravado, erro and incerto are final: no attempt moves a record out of them (settlement does, by a person)', () => {
  const byAttempt = TRANSITIONS.filter((t) => t.by === 'attempt');
  for (const status of ['gravado', 'erro', 'incerto', 'inalterado', 'descartado'] as const) {
    assert.deepEqual(
      byAttempt.filter((t) => t.from === status),
      [],
      status,
    );
    assert.equal(ON_PICKUP[status], 'report');
  }
  // a person moves only incerto and erro records, and only to what SETTLEABLE allows
  const byPerson = TRANSITIONS.filter((t) => t.by === 'person');
  assert.deepEqual([...new Set(byPerson.map((t) => t.from))].sort(), ['erro', 'incerto']);
  for (const t of byPerson) assert.ok(SETTLEABLE.reenviar.includes(t.from as 'erro'), `${t.from} is settleable`);
  assert.ok(!isAllowed('gravado', 'pendente') && !isAllowed('descartado', 'pendente') && !isAllowed('erro', 'gravado') && !isAllowed('erro', 'descartado'));
  assert.deepEqual(SETTLEABLE, { confirmar: ['incerto'], reenviar: ['incerto', 'erro'], descartar: ['incerto'] });
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
    .map((f) => readFileSync(join(dir, f), 'utf8').split('-- Down Migration')[0]!)
    .join('\n');
  // the newest migration that sets the constraint decides
  const checks = [...sql.slice(sql.indexOf('CREATE TABLE integrador.envio')).matchAll(/status IN \(([^)]*)\)\)/g)];
  const check = checks[checks.length - 1]![1]!;
  // later migrations add statuses to the constraint (whatever it lists then) with `added text[] := ARRAY[...]`
  const added = [...sql.matchAll(/added text\[\] := ARRAY\[([^\]]*)\]/g)].flatMap((m) => m[1]!.split(','));
  assert.deepEqual(
    [...check.split(','), ...added].map((s) => s.trim().replace(/'/g, '')),
    [...RECORD_STATUSES],
  );
});
