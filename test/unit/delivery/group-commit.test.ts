// Group commit: calls made in one turn of the event loop, or while flushes run, go together in the next
// flush; at most `parallel` flushes run at once (`parallelWhenFull` while a full batch waits); each call gets
// its own result or error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupCommit } from '../../../src/delivery/group-commit';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

function recorder(parallel: number, maxBatch = 64, parallelWhenFull?: number) {
  const batches: number[][] = [];
  let running = 0;
  let peak = 0;
  const gates: Array<() => void> = [];
  const call = groupCommit(
    async (items: number[]) => {
      batches.push(items);
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      running--;
      return items.map((i) => (i < 0 ? { status: 'rejected' as const, reason: new Error(`bad ${i}`) } : { status: 'fulfilled' as const, value: i * 10 }));
    },
    { maxBatch, parallel, parallelWhenFull },
  );
  const openAll = async () => {
    await tick(); // flushes start on the next turn of the event loop
    while (gates.length || running) {
      gates.splice(0).forEach((open) => open());
      await tick();
    }
  };
  return { call, batches, peak: () => peak, openAll };
}

test('idle, the calls made in one turn of the event loop go together in one flush', async () => {
  const r = recorder(2);
  const results = [r.call(1), r.call(2), r.call(3)];
  await r.openAll();
  assert.deepEqual(await Promise.all(results), [10, 20, 30]);
  assert.deepEqual(r.batches, [[1, 2, 3]]);
});

test('idle, a call alone is flushed on the next turn; calls made during a flush go together in the next one', async () => {
  const r = recorder(1);
  const results = [r.call(1)];
  await tick();
  results.push(r.call(2), r.call(3), r.call(4));
  await r.openAll();
  assert.deepEqual(await Promise.all(results), [10, 20, 30, 40]);
  assert.deepEqual(r.batches, [[1], [2, 3, 4]]);
  assert.equal(r.peak(), 1);
});

test('with parallel 2, a second flush starts while the first runs, never a third', async () => {
  const r = recorder(2);
  const results = [r.call(1)];
  await tick();
  results.push(r.call(2));
  await tick();
  results.push(r.call(3), r.call(4), r.call(5));
  await tick();
  assert.equal(r.batches.length, 2, 'two flushes running');
  await r.openAll();
  assert.deepEqual(await Promise.all(results), [10, 20, 30, 40, 50]);
  assert.equal(r.peak(), 2);
  assert.deepEqual(r.batches.flat().sort(), [1, 2, 3, 4, 5]);
});

test('each call settles by its own result, and batches never exceed maxBatch', async () => {
  const r = recorder(1, 2);
  const results = [1, -2, 3, 4, 5].map((i) =>
    r.call(i).then(
      (v) => `ok ${v}`,
      (e: Error) => e.message,
    ),
  );
  await r.openAll();
  assert.deepEqual(await Promise.all(results), ['ok 10', 'bad -2', 'ok 30', 'ok 40', 'ok 50']);
  assert.ok(r.batches.every((b) => b.length <= 2));
});

test('with parallelWhenFull 2, a small batch waits for the running flush and a full one gets a flush of its own, never a third', async () => {
  const r = recorder(1, 2, 2);
  const results = [r.call(1)];
  await tick();
  results.push(r.call(2)); // not a full batch: waits for the first flush
  await tick();
  assert.equal(r.batches.length, 1, 'one flush running');
  results.push(r.call(3)); // the queue now fills a batch: a second flush
  await tick();
  assert.deepEqual(r.batches, [[1], [2, 3]]);
  results.push(r.call(4), r.call(5), r.call(6)); // a full batch again, but two flushes run already
  await tick();
  assert.equal(r.batches.length, 2, 'never a third flush');
  await r.openAll();
  assert.deepEqual(await Promise.all(results), [10, 20, 30, 40, 50, 60]);
  assert.equal(r.peak(), 2);
  assert.deepEqual(r.batches.flat().sort(), [1, 2, 3, 4, 5, 6]);
});
