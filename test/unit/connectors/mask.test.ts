// Secret masking (src/connectors/mask.ts): every form a secret takes on the wire, longest first, and the
// forms of a frozen list worked out once without a list changed later keeping its old secrets.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { maskSecrets } from '../../../src/connectors/mask';

describe('maskSecrets', () => {
  test('masks a secret as is, XML-escaped and JSON-escaped, and a longer secret whole', () => {
    const secrets = Object.freeze(['a<b"c', 'abc', 'abcdef']);
    assert.equal(maskSecrets('x a<b"c y', secrets), 'x *** y');
    assert.equal(maskSecrets('<senha>a&lt;b"c</senha>', secrets), '<senha>***</senha>');
    assert.equal(maskSecrets('<senha attr="a&lt;b&quot;c"/>', secrets), '<senha attr="***"/>');
    assert.equal(maskSecrets('{"senha":"a<b\\"c"}', secrets), '{"senha":"***"}');
    assert.equal(maskSecrets('abcdef and abc', secrets), '*** and ***');
    // the same frozen list again (its forms are reused): the same answers
    assert.equal(maskSecrets('abcdef, a<b"c', secrets), '***, ***');
  });

  test('a list that is not frozen is read anew on every call', () => {
    const secrets = ['first'];
    assert.equal(maskSecrets('first second', secrets), '*** second');
    secrets.push('second');
    assert.equal(maskSecrets('first second', secrets), '*** ***');
  });

  test('empty secrets mask nothing, and a text without secrets comes back as it was', () => {
    assert.equal(maskSecrets('nothing here', Object.freeze(['', 'absent'])), 'nothing here');
  });
});
