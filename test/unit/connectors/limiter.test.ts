// The per-connection limiter: concurrency and rate bounds, shared by every caller of one limiter.
// Small real timings, asserted loosely (timers may fire late on a busy machine, never early).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLimiter } from '../../../src/connectors/limiter';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('never runs more than `concurrency` tasks at once, and runs them all', async () => {
  const limiter = createLimiter({ concurrency: 3 });
  let inFlight = 0;
  let peak = 0;
  const results = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      limiter.run(async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await sleep(15);
        inFlight--;
        return i;
      }),
    ),
  );
  assert.equal(peak, 3);
  assert.deepEqual(
    results,
    Array.from({ length: 12 }, (_, i) => i),
  );
});

test('starts at most `ratePerSecond` tasks per second, never ahead of schedule', async () => {
  const limiter = createLimiter({ concurrency: 10, ratePerSecond: 20 });
  const starts: number[] = [];
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 8 }, () => limiter.run(async () => void starts.push(performance.now() - t0))));
  starts.sort((a, b) => a - b);
  // 8 starts at 20/s: the first at once, the last no earlier than 7 × 50 ms
  assert.ok(starts[0]! < 40, `first start ${starts[0]}`);
  assert.ok(starts[7]! >= 7 * 50 - 5, `last start ${starts[7]}`);
  // the bound: start i never comes before i intervals (a late timer may shorten the next gap, never the total)
  starts.forEach((at, i) => assert.ok(at >= i * 50 - 5, `start ${i} at ${at} ms`));
  assert.ok(starts[7]! < 7 * 50 + 400, `not much slower than the rate: ${starts[7]}`);
});

test('a failing task releases its slot', async () => {
  const limiter = createLimiter({ concurrency: 1 });
  await assert.rejects(
    limiter.run(async () => Promise.reject(new Error('boom'))),
    /boom/,
  );
  assert.equal(await limiter.run(async () => 'next'), 'next');
});

test('the rate is shared by every caller of one limiter (all runs of a worker)', async () => {
  const limiter = createLimiter({ concurrency: 4, ratePerSecond: 10 });
  const t0 = performance.now();
  const runA = Promise.all([1, 2].map(() => limiter.run(async () => performance.now() - t0)));
  const runB = Promise.all([1, 2].map(() => limiter.run(async () => performance.now() - t0)));
  const all = [...(await runA), ...(await runB)].sort((a, b) => a - b);
  assert.ok(all[3]! >= 3 * 100 - 5, `4 starts at 10/s take ≥ 300 ms, took ${all[3]}`);
});

test('a call run `first` goes ahead of the calls waiting without it, behind the ones in flight', async () => {
  const limiter = createLimiter({ concurrency: 2 });
  const order: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const call = (name: string, first?: boolean) =>
    limiter.run(
      async () => {
        order.push(name);
        await gate;
      },
      { first },
    );
  // two in flight, three bulk calls waiting, then a button's call and a second one
  const all = [call('bulk-1'), call('bulk-2'), call('bulk-3'), call('bulk-4'), call('bulk-5'), call('button-1', true), call('button-2', true)];
  await sleep(5);
  assert.deepEqual(order, ['bulk-1', 'bulk-2'], 'in flight keep their slots');
  release();
  await Promise.all(all);
  assert.deepEqual(order, ['bulk-1', 'bulk-2', 'button-1', 'button-2', 'bulk-3', 'bulk-4', 'bulk-5']);
});
