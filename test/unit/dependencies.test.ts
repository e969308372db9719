// A dependency that nothing imports is there for a reason this file checks. protobufjs is a direct
// dependency only so npm hoists one 8.x copy that every Temporal package shares; without it, @grpc's 7.x
// takes the top level and @temporalio/common, proto and worker each get their own nested 8.x copy (the
// commit that added it, with the replay tests, removed those three), so protobuf messages built by one
// package are not instances of another's classes.
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { test } from 'node:test';

test('every Temporal package resolves the same protobufjs copy', () => {
  const copies = new Set(
    ['@temporalio/common', '@temporalio/proto', '@temporalio/worker', '@temporalio/client'].map((name) =>
      require.resolve('protobufjs', { paths: [dirname(require.resolve(`${name}/package.json`))] }),
    ),
  );
  assert.equal(copies.size, 1, [...copies].join('\n'));
});
