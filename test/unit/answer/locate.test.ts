import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findKey } from '../../../src/answer';

describe('findKey', () => {
  it('finds a key at the top level', () => {
    assert.deepEqual(findKey({ codCli: 1 }, 'codCli'), { found: true, value: 1 });
  });

  it('finds a key inside a SOAP result wrapper', () => {
    assert.deepEqual(findKey({ result: { tipoRetorno: 1 } }, 'tipoRetorno'), { found: true, value: 1 });
  });

  it('prefers the shallowest match over an earlier but deeper one', () => {
    //   root ─ a ─ b ─ x:'deep'
    //        └ x:'shallow'
    const answer = { a: { b: { x: 'deep' } }, x: 'shallow' };
    assert.deepEqual(findKey(answer, 'x'), { found: true, value: 'shallow' });
  });

  it('among matches at the same depth takes the first in key order', () => {
    const answer = { a: { x: 1 }, b: { x: 2 } };
    assert.deepEqual(findKey(answer, 'x'), { found: true, value: 1 });
  });

  it('walks arrays element by element', () => {
    const answer = { lista: [{ y: 1 }, { x: 'second' }] };
    assert.deepEqual(findKey(answer, 'x'), { found: true, value: 'second' });
  });

  it('finds a key in an answer that is an array', () => {
    assert.deepEqual(findKey([{ a: 1 }, { codCli: 5 }], 'codCli'), { found: true, value: 5 });
  });

  it('never matches array indices', () => {
    assert.deepEqual(findKey({ a: ['x', 'y'] }, '0'), { found: false });
    assert.deepEqual(findKey({ a: ['x'] }, 'length'), { found: false });
  });

  it('reports a present key whose value is null or undefined as found', () => {
    assert.deepEqual(findKey({ erroExecucao: null }, 'erroExecucao'), { found: true, value: null });
    assert.deepEqual(findKey({ a: undefined }, 'a'), { found: true, value: undefined });
  });

  it('returns the whole value of the key, arrays included', () => {
    const itens = [{ codCli: 1 }];
    assert.equal(findKey({ result: { retornosClientes: itens } }, 'retornosClientes').value, itens);
  });

  it('does not find inherited keys', () => {
    assert.deepEqual(findKey({}, 'toString'), { found: false });
    assert.deepEqual(findKey(Object.create({ x: 1 }), 'x'), { found: false });
  });

  it('returns not found for primitives, null and undefined', () => {
    for (const answer of [null, undefined, 'codCli', 42, true]) {
      assert.deepEqual(findKey(answer, 'codCli'), { found: false });
    }
  });

  it('does not walk into dates', () => {
    assert.deepEqual(findKey({ d: new Date() }, 'getTime'), { found: false });
  });

  it('survives a circular structure', () => {
    const answer: Record<string, unknown> = { a: {} };
    (answer.a as Record<string, unknown>).back = answer;
    assert.deepEqual(findKey(answer, 'missing'), { found: false });
  });

  it('is case-sensitive', () => {
    assert.deepEqual(findKey({ CodCli: 1 }, 'codCli'), { found: false });
  });
});
