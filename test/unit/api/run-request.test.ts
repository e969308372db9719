import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toRunRequest } from '../../../src/request/run-request';
import { RequestError } from '../../../src/errors';

function refused(input: Record<string, unknown>): RequestError {
  try {
    toRunRequest(input);
  } catch (err) {
    assert.ok(err instanceof RequestError);
    return err;
  }
  assert.fail('expected a RequestError');
}

describe('/integrar parameters', () => {
  test('separates the reserved names from the integration parameters', () => {
    const { request, wait } = toRunRequest({ base_crm: 'demo', empresa_id: '1', integracao_servico_id: '19', contaId: '42' });
    assert.deepEqual(request, { base: 'demo', empresaId: 1, empresaFilialId: null, integracaoId: 19, params: { contaId: '42' } });
    assert.equal(wait, true);
  });
  test('aguardar=false does not wait', () => {
    assert.equal(toRunRequest({ base_crm: 'd', empresa_id: 1, integracao_servico_id: 1, aguardar: 'false' }).wait, false);
  });
  test('a branch alone identifies the company', () => {
    const { request } = toRunRequest({ base_crm: 'd', empresa_filial_id: '5', integracao_servico_id: '1' });
    assert.equal(request.empresaFilialId, 5);
    assert.equal(request.empresaId, null);
  });
  test('missing or malformed reserved parameters are 400s naming the parameter', () => {
    assert.equal(refused({ empresa_id: 1, integracao_servico_id: 1 }).parameter, 'base_crm');
    assert.equal(refused({ base_crm: 'd', empresa_id: 1 }).parameter, 'integracao_servico_id');
    assert.equal(refused({ base_crm: 'd', integracao_servico_id: 1 }).parameter, 'empresa_id');
    assert.equal(refused({ base_crm: 'd', empresa_id: '1 OR 1=1', integracao_servico_id: 1 }).parameter, 'empresa_id');
    assert.equal(refused({ base_crm: 'd', empresa_id: 1, integracao_servico_id: '19abc' }).parameter, 'integracao_servico_id');
  });
  test('a parameter given twice, or as an object, is refused', () => {
    assert.equal(refused({ base_crm: 'd', empresa_id: 1, integracao_servico_id: 1, contaId: ['1', '2'] }).parameter, 'contaId');
    assert.equal(refused({ base_crm: 'd', empresa_id: 1, integracao_servico_id: 1, contaId: { $gt: 1 } }).parameter, 'contaId');
  });
  test('very long values and broken UTF-8 are refused', () => {
    assert.equal(refused({ base_crm: 'd', empresa_id: 1, integracao_servico_id: 1, nome: 'x'.repeat(5000) }).parameter, 'nome');
    assert.equal(refused({ base_crm: 'd', empresa_id: 1, integracao_servico_id: 1, nome: 'ab\uFFFDcd' }).parameter, 'nome');
  });
  test('SQL in a parameter is kept as plain text for binding', () => {
    const { request } = toRunRequest({ base_crm: 'd', empresa_id: 1, integracao_servico_id: 1, contaId: '1; DROP TABLE contas; --' });
    assert.equal(request.params.contaId, '1; DROP TABLE contas; --');
  });
});
