import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setNewPath, setPath } from '../../../src/mapping/paths';

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

describe('setNewPath', () => {
  it('sets a path that holds nothing yet, and refuses one that holds a value, null included', () => {
    const target: Record<string, unknown> = { a: { b: null } };
    assert.equal(setNewPath(target, ['a', 'c'], 1), true);
    assert.equal(setNewPath(target, ['a', 'b'], 2), false);
    assert.equal(setNewPath(target, ['a'], 3), false);
    assert.deepEqual(target, { a: { b: null, c: 1 } });
  });

  it('refuses to go through a value that is not a plain object, changing nothing', () => {
    const target: Record<string, unknown> = { a: { b: null }, d: new Date(0) };
    assert.equal(setNewPath(target, ['a', 'b', 'c'], 1), false);
    assert.equal(setNewPath(target, ['d', 'x'], 1), false);
    assert.deepEqual(target, { a: { b: null }, d: new Date(0) });
  });
});
