import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Scope, bindSql, sqlValue } from '../../../src/templating';

const valueOf = (value: unknown) => bindSql('SELECT #v#', new Scope({ params: { v: value } })).values[0];

describe('bindSql: values as pg receives them', () => {
  it('sends undefined as null', () => {
    assert.equal(valueOf(undefined), null);
  });

  it('sends null as null', () => {
    assert.equal(valueOf(null), null);
  });

  it('sends numbers, strings and booleans as they are', () => {
    assert.equal(valueOf(42), 42);
    assert.equal(valueOf(350.2), 350.2);
    assert.equal(valueOf('Acme'), 'Acme');
    assert.equal(valueOf(false), false);
  });

  it('sends bigint as it is', () => {
    assert.equal(valueOf(9007199254740993n), 9007199254740993n);
  });

  it('sends a date as ISO text, so the result does not depend on the worker time zone', () => {
    assert.equal(valueOf(new Date('2024-03-01T12:00:00Z')), '2024-03-01T12:00:00.000Z');
  });

  it('sends an invalid date as null instead of throwing', () => {
    assert.equal(valueOf(new Date('not a date')), null);
  });

  it('sends plain objects and arrays as JSON text', () => {
    assert.equal(valueOf({ codCli: 1001, nested: { a: [1] } }), '{"codCli":1001,"nested":{"a":[1]}}');
    assert.equal(valueOf([1, 'a', null]), '[1,"a",null]');
  });

  it('writes bigint inside an object as a JSON string instead of throwing', () => {
    assert.equal(valueOf({ id: 1n }), '{"id":"1"}');
  });

  it('sends byte arrays untouched (bytea)', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    assert.equal(valueOf(bytes), bytes);
  });

  it('orders values like the placeholders', () => {
    const bound = bindSql('SELECT #b#, #a#, #b#', new Scope({ params: { a: 'A', b: 'B' } }));
    assert.deepEqual(bound.values, ['B', 'A']);
  });

  it('is exported for callers that bind values themselves', () => {
    assert.equal(sqlValue(undefined), null);
  });
});
