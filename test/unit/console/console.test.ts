// The console's pure parts: the visibility query it sends to Temporal (every filter, the token's
// companies), a run's outcome, the Temporal UI link, the session key from the environment, the catalog.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { temporalRunUrl } from '../../../src/console';
import { messages } from '../../../src/console/messages.pt-BR';
import { OUTCOMES, outcomeOf, visibilityQuery } from '../../../src/console/runs';
import { sessionKey } from '../../../src/console/session';

const scope = { base: 'demo', taskQueue: 'integrador' };

test('the visibility query carries the task queue of the deployment, quoted', () => {
  assert.match(visibilityQuery({ base: 'demo', taskQueue: "it's" }, {}), /TaskQueue = 'it''s'/);
});

test('the visibility query carries the base, each filter and the inclusive UTC date range', () => {
  assert.equal(
    visibilityQuery(scope, { empresa: 1, integracao: 19, from: '2026-11-30', to: '2026-12-01' }),
    "WorkflowType = 'setRun' AND TaskQueue = 'integrador' AND IntegradorBase = 'demo' AND ExecutionStatus != 'ContinuedAsNew' AND IntegradorEmpresa = 1 AND " +
      "IntegradorIntegracao = 19 AND StartTime >= '2026-11-30T00:00:00Z' AND StartTime < '2026-12-02T00:00:00.000Z'",
  );
});

test("a token's companies restrict the query; a token with none sees nothing", () => {
  assert.match(visibilityQuery(scope, {}, [2, 3]), /IntegradorEmpresa IN \(2, 3\)$/);
  assert.match(visibilityQuery(scope, {}, []), /IntegradorEmpresa = -1$/);
  assert.doesNotMatch(visibilityQuery(scope, {}), /IntegradorEmpresa/);
});

test('outcomes Temporal knows go into the query; those the ledger decides ask for completed runs', () => {
  assert.match(visibilityQuery(scope, { outcome: 'em_andamento' }), /ExecutionStatus = 'Running'$/);
  assert.match(visibilityQuery(scope, { outcome: 'falhou' }), /ExecutionStatus IN \('Failed', 'Canceled', 'Terminated', 'TimedOut'\)$/);
  for (const outcome of ['ok', 'erro', 'incerto', 'vazio'] as const) {
    assert.match(visibilityQuery(scope, { outcome }), /ExecutionStatus = 'Completed'$/);
  }
});

test("a run's outcome: Temporal's status first, then incerto over erro over ok, vazio without records", () => {
  assert.equal(outcomeOf('RUNNING', { erro: 1 }), 'em_andamento');
  assert.equal(outcomeOf('TERMINATED', { gravado: 1 }), 'falhou');
  assert.equal(outcomeOf('COMPLETED', { erro: 1, incerto: 1, gravado: 3 }), 'incerto');
  assert.equal(outcomeOf('COMPLETED', { erro: 1, gravado: 3 }), 'erro');
  assert.equal(outcomeOf('COMPLETED', { gravado: 3 }), 'ok');
  assert.equal(outcomeOf('COMPLETED', {}), 'vazio');
});

test('the Temporal UI link is built only from an http(s) address', () => {
  assert.equal(
    temporalRunUrl('http://127.0.0.1:8233/', 'default', 'set-demo-1-19-ab', 'run 1'),
    'http://127.0.0.1:8233/namespaces/default/workflows/set-demo-1-19-ab/run%201/history',
  );
  assert.equal(temporalRunUrl(undefined, 'default', 'w', 'r'), undefined);
  assert.equal(temporalRunUrl('javascript:alert(1)', 'default', 'w', 'r'), undefined);
});

test('the session key: INTEGRADOR_CONSOLE_KEY as 64 hex characters, or random per process', () => {
  const hex = 'ab'.repeat(32);
  assert.deepEqual(sessionKey({ INTEGRADOR_CONSOLE_KEY: hex }), Buffer.from(hex, 'hex'));
  assert.equal(sessionKey({}).length, 32);
  assert.notDeepEqual(sessionKey({}), sessionKey({}));
  assert.throws(() => sessionKey({ INTEGRADOR_CONSOLE_KEY: 'short' }), /INTEGRADOR_CONSOLE_KEY must be 64 hexadecimal characters/);
});

test('every outcome has a label in the catalog', () => {
  for (const outcome of OUTCOMES) assert.ok(messages.outcomes[outcome], outcome);
});
