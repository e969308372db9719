import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/errors';
import { Scope, renderText, renderUrlPath } from '../../../src/templating';

const scope = (row: Record<string, unknown>, params: Record<string, unknown> = {}) => new Scope({ row, params });

describe('renderText', () => {
  it('replaces each variable by its value', () => {
    assert.equal(renderText('#ddd# #fone#', scope({ ddd: '48', fone: '3333-4444' })), '48 3333-4444');
  });

  it('renders null and undefined as empty text', () => {
    assert.equal(renderText('[#a#][#b#]', scope({ a: null, b: undefined })), '[][]');
  });

  it('renders numbers, booleans and bigint with String()', () => {
    assert.equal(renderText('#n# #f# #b# #big#', scope({ n: 350.2, f: false, b: true, big: 12345678901234567890n })), '350.2 false true 12345678901234567890');
  });

  it('renders dates as ISO text', () => {
    assert.equal(renderText('#d#', scope({ d: new Date('2024-03-01T12:00:00Z') })), '2024-03-01T12:00:00.000Z');
  });

  it('renders an invalid date as empty text instead of throwing', () => {
    assert.equal(renderText('<#d#>', scope({ d: new Date('nope') })), '<>');
  });

  it('renders objects and arrays as JSON', () => {
    assert.equal(renderText('#o# #a#', scope({ o: { x: 1, big: 2n }, a: [1, 'b'] })), '{"x":1,"big":"2"} [1,"b"]');
  });

  it('resolves row before captured before params before builtins', () => {
    const s = new Scope({ row: { a: 'row' }, captured: { a: 'cap', b: 'cap' }, params: { b: 'par', c: 'par' }, builtins: { c: 'bi', d: 'bi' } });
    assert.equal(renderText('#a# #b# #c# #d#', s), 'row cap par bi');
  });

  it('does not expand a #variable# that appears inside a value', () => {
    assert.equal(renderText('#a#', scope({ a: '#b#', b: 'secret' })), '#b#');
  });

  it('keeps $ patterns in values literally (no replacement-string expansion)', () => {
    assert.equal(renderText('#a#', scope({ a: "$& $1 $' $$" })), "$& $1 $' $$");
  });

  it('keeps text that has no variables unchanged', () => {
    assert.equal(renderText('Rua # 12, sala #3', scope({})), 'Rua # 12, sala #3');
  });

  it('throws a ConfigError with one located issue per unknown name', () => {
    const where = { table: 'campos_integracao', row: 7, column: 'campo_crm' };
    assert.throws(
      () => renderText('#ddd# #x# #y# #x#', scope({ ddd: 1 }), where),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(err.issues, [
          { ...where, message: 'unknown variable #x#' },
          { ...where, message: 'unknown variable #y#' },
        ]);
        assert.match(err.message, /campos_integracao id=7 campo_crm: unknown variable #x#/);
        return true;
      },
    );
  });

  it('treats a name whose value is undefined but present as known', () => {
    assert.equal(renderText('a#x#b', scope({ x: undefined })), 'ab');
  });
});

describe('renderUrlPath', () => {
  it('fills a REST path', () => {
    assert.equal(renderUrlPath('/clientes/#id_erp#', scope({ id_erp: 1001 })), '/clientes/1001');
  });

  it('encodes slashes, question marks, hashes and spaces so data cannot change the route', () => {
    assert.equal(renderUrlPath('/clientes/#id#', scope({ id: '../admin?x=1#frag y' })), '/clientes/..%2Fadmin%3Fx%3D1%23frag%20y');
  });

  it('encodes unicode as UTF-8', () => {
    assert.equal(renderUrlPath('/cidades/#c#', scope({ c: 'São José' })), '/cidades/S%C3%A3o%20Jos%C3%A9');
  });

  it('renders null as an empty segment', () => {
    assert.equal(renderUrlPath('/a/#x#/b', scope({ x: null })), '/a//b');
  });

  it('leaves the template itself unencoded', () => {
    assert.equal(renderUrlPath('/a b/#x#?q=#y#', scope({ x: 'é', y: 'a&b' })), '/a b/%C3%A9?q=a%26b');
  });

  it('throws a ConfigError for an unknown name', () => {
    assert.throws(() => renderUrlPath('/clientes/#id_erp#', scope({})), ConfigError);
  });
});
