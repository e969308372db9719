import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RequestError } from '../../../src/errors';
import { DEFAULT_PREVIEW_LIMIT, parseValores, toPreviewRequest } from '../../../src/preview/preview-request';

const ask = { base_crm: 'demo', empresa_id: '1', integracao_servico_id: '21', contaId: '42' };

function refusal(fn: () => unknown): RequestError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof RequestError, String(err));
    assert.equal(err.kind, 'bad_request');
    return err;
  }
  assert.fail('expected a RequestError');
}

describe('/previa parameters', () => {
  test('are the /integrar parameters plus valores and previa_limite, which never reach the integration', () => {
    const parsed = toPreviewRequest({ ...ask, valores: { codCli: 1001, seqCto: '7' }, previa_limite: '5' });
    assert.deepEqual(parsed.request, { base: 'demo', empresaId: 1, empresaFilialId: null, integracaoId: 21, params: { contaId: '42' } });
    assert.deepEqual(parsed.valores, { codCli: 1001, seqCto: '7' });
    assert.equal(parsed.limit, 5);
    assert.equal(toPreviewRequest(ask).limit, DEFAULT_PREVIEW_LIMIT);
  });

  test('take valores as JSON text from a query string or a form', () => {
    assert.deepEqual(parseValores('{"codCli": "1001"}'), { codCli: '1001' });
    assert.deepEqual(parseValores(''), {});
    assert.deepEqual(parseValores(undefined), {});
  });

  test('refuse values that are not text or numbers, naming the value', () => {
    for (const [value, said] of [
      [{ a: 1 }, 'not object'],
      [[1], 'not an array'],
      [true, 'not boolean'],
      [null, 'not null'],
    ] as const) {
      const err = refusal(() => parseValores({ codCli: value }));
      assert.equal(err.parameter, 'valores.codCli');
      assert.match(err.message, new RegExp(said));
    }
    assert.match(refusal(() => parseValores({ codCli: Number.NaN })).message, /finite number/);
    assert.match(refusal(() => parseValores({ codCli: 'x'.repeat(4097) })).message, /longer than 4096/);
  });

  test('refuse valores that are not an object, names that are not variables, and prototype keys', () => {
    assert.equal(refusal(() => parseValores('[1]')).parameter, 'valores');
    assert.equal(refusal(() => parseValores('{codCli: 1}')).parameter, 'valores');
    assert.equal(refusal(() => parseValores(42)).parameter, 'valores');
    assert.equal(refusal(() => parseValores({ 'cod-cli': 1 })).parameter, 'valores.cod-cli');
    assert.equal(refusal(() => parseValores(JSON.parse('{"__proto__": 1}'))).parameter, 'valores.__proto__');
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, i]));
    assert.match(refusal(() => parseValores(many)).message, /more than 100/);
  });

  test('refuse a limit out of range and keep the /integrar refusals', () => {
    for (const limit of ['0', '501', '-1', 'dez', '1.5'])
      assert.equal(refusal(() => toPreviewRequest({ ...ask, previa_limite: limit })).parameter, 'previa_limite');
    assert.equal(refusal(() => toPreviewRequest({ ...ask, integracao_servico_id: 'x' })).parameter, 'integracao_servico_id');
    assert.equal(refusal(() => toPreviewRequest({ ...ask, token_crm: 'x' })).parameter, 'token_crm');
  });
});
