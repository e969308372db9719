import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setRunWorkflowId } from '../../../src/temporal/workflow-id';

const request = { base: 'demo', empresaId: 1, empresaFilialId: null, integracaoId: 19, params: { contaId: '42', b: 'x' } };

describe('workflow id of a SET run', () => {
  test('is the same for the same request whatever the parameter order', () => {
    const reordered = { ...request, params: { b: 'x', contaId: '42' } };
    assert.equal(setRunWorkflowId(request), setRunWorkflowId(reordered));
    assert.match(setRunWorkflowId(request), /^set-demo-1-19-[0-9a-f]{16}$/);
  });
  test('differs when any part differs', () => {
    const id = setRunWorkflowId(request);
    assert.notEqual(id, setRunWorkflowId({ ...request, params: { contaId: '43', b: 'x' } }));
    assert.notEqual(id, setRunWorkflowId({ ...request, empresaId: 2 }));
    assert.notEqual(id, setRunWorkflowId({ ...request, integracaoId: 20 }));
    assert.notEqual(id, setRunWorkflowId({ ...request, empresaFilialId: 3 }));
  });
  test('shows a digest of the parameters, never their values', () => {
    const id = setRunWorkflowId({ ...request, params: { cpf: '12345678909' } });
    assert.ok(!id.includes('12345678909'));
  });
});
