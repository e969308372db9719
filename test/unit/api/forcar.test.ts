// forcar=true (somente_alterados sends every record): an engine switch, never a parameter of the integration.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toRunRequest } from '../../../src/request/run-request';
import { setRunWorkflowId } from '../../../src/temporal/workflow-id';

const ask = { base_crm: 'demo', empresa_id: '1', integracao_servico_id: '21', de: '1', ate: '9' };

test('forcar=true is read as the run switch and is not passed to the integration as a parameter', () => {
  const { request } = toRunRequest({ ...ask, forcar: 'true' });
  assert.equal(request.forcar, true);
  assert.deepEqual(request.params, { de: '1', ate: '9' });
  for (const value of ['false', '0', '']) assert.equal(toRunRequest({ ...ask, forcar: value }).request.forcar, undefined);
  assert.equal(toRunRequest(ask).request.forcar, undefined);
});

test('a forced run gets its own workflow id: it never joins an unforced run in flight', () => {
  const plain = toRunRequest(ask).request;
  const forced = toRunRequest({ ...ask, forcar: 'true' }).request;
  assert.notEqual(setRunWorkflowId(forced), setRunWorkflowId(plain));
  assert.equal(setRunWorkflowId(toRunRequest({ ...ask, forcar: 'false' }).request), setRunWorkflowId(plain));
});
