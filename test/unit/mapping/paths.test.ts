import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hasPath, setPath } from '../../../src/mapping/paths';

describe('setPath', () => {
  it('creates nested objects along a dotted path and shares existing ones', () => {
    const target: Record<string, unknown> = {};
    assert.equal(setPath(target, 'parameters.dadosGeraisCliente.nomCli', 'ACME'), true);
    assert.equal(setPath(target, 'parameters.dadosGeraisCliente.tipCli', 'J'), true);
    assert.equal(setPath(target, 'sigInt', 'CRM'), true);
    assert.deepEqual(target, { parameters: { dadosGeraisCliente: { nomCli: 'ACME', tipCli: 'J' } }, sigInt: 'CRM' });
  });

  it('refuses to go through a value that is not a plain object', () => {
    const target: Record<string, unknown> = { a: 'text', list: [] };
    assert.equal(setPath(target, 'a.b', 1), false);
    assert.equal(setPath(target, 'list.b', 1), false);
    assert.deepEqual(target, { a: 'text', list: [] });
  });

  it('never touches Object.prototype', () => {
    const target: Record<string, unknown> = {};
    setPath(target, '__proto__.polluted', true);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(target), Object.prototype);
  });
});

describe('hasPath', () => {
  it('tells whether a path is set, null values included', () => {
    const target = { a: { b: null } };
    assert.equal(hasPath(target, 'a.b'), true);
    assert.equal(hasPath(target, 'a'), true);
    assert.equal(hasPath(target, 'a.c'), false);
    assert.equal(hasPath(target, 'a.b.c'), false);
  });
});
