// Failure details across the activity boundary: one FailureDetails written by toFailure and read back by the
// workflow, and the older shapes that committed histories carry still read the same.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { toFailure } from '../../activities/failures';
import { ConfigError, readFailureDetails, ReceiverRefusal, RecordError, RequestError, TransportError, UnknownOutcome } from '../../src/errors';

const issues = [{ table: 'integracao', row: 7, column: 'consulta', message: 'SQL error 42601: syntax error' }];

const detailsOf = (err: Error) => {
  const failure = toFailure(err);
  assert.ok(failure instanceof ApplicationFailure);
  return readFailureDetails(failure.details);
};

test('each error crosses the boundary with its own details, read back by name', () => {
  assert.deepEqual(detailsOf(new ConfigError(issues)), { issues });
  assert.deepEqual(detailsOf(new RequestError('forbidden', 'no', 'empresa_id')), { requestError: 'forbidden', parameter: 'empresa_id' });
  assert.deepEqual(detailsOf(new RecordError('bad', 'cliente.cnpj')), { field: 'cliente.cnpj' });
  assert.deepEqual(detailsOf(new ReceiverRefusal('HTTP 409', 409, { erro: 'x' })), {});
  assert.deepEqual(detailsOf(new UnknownOutcome('lost')), {});
});

test('one shape: a single FailureDetails entry, the code as the failure type', () => {
  const failure = toFailure(new RequestError('not_found', 'no run', 'workflowId')) as ApplicationFailure;
  assert.equal(failure.type, 'INT_REQUEST');
  assert.equal(failure.nonRetryable, true);
  assert.deepEqual(failure.details, [{ requestError: 'not_found', parameter: 'workflowId' }]);
  const transport = toFailure(new TransportError('refused', true, 2000)) as ApplicationFailure;
  assert.equal(transport.nonRetryable, false);
  assert.deepEqual(readFailureDetails(transport.details), {});
});

test('the shapes recorded before FailureDetails read the same (committed histories)', () => {
  assert.deepEqual(readFailureDetails([issues]), { issues });
  assert.deepEqual(readFailureDetails([{ kind: 'bad_request', parameter: 'contaId' }]), { requestError: 'bad_request', parameter: 'contaId' });
  assert.deepEqual(readFailureDetails([{ field: 'x' }]), { field: 'x' });
  assert.deepEqual(readFailureDetails([]), {});
  assert.deepEqual(readFailureDetails(undefined), {});
  assert.deepEqual(readFailureDetails([null]), {});
});
