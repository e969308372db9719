// Retry-After inside one activity attempt (registry.honouringRetryAfter), and send observation (onSend).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRetryAfter } from '../../../src/connectors/http';
import { createLimiter } from '../../../src/connectors/limiter';
import { createReceiverRegistry, honouringRetryAfter, type SendEvent } from '../../../src/connectors/registry';
import type { Receiver } from '../../../src/connectors/types';
import { RecordError, TransportError, UnknownOutcome } from '../../../src/errors';

function fakeSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

const busy = (ms: number) => new TransportError(`HTTP 503, retry after ${ms} ms`, true, ms);

test('waits the Retry-After and sends again, within the same attempt', async () => {
  const { waits, sleep } = fakeSleep();
  const limiter = honouringRetryAfter(createLimiter({ concurrency: 1 }), { maxWaitMs: 60_000, maxWaits: 3 }, sleep);
  let calls = 0;
  const result = await limiter.run(async () => {
    calls++;
    if (calls <= 2) throw busy(1500);
    return 'sent';
  });
  assert.equal(result, 'sent');
  assert.equal(calls, 3);
  assert.deepEqual(waits, [1500, 1500]);
});

test('gives up after maxWaits, or when the Retry-After is longer than maxWaitMs, leaving it to Temporal', async () => {
  const { waits, sleep } = fakeSleep();
  const limiter = honouringRetryAfter(createLimiter({ concurrency: 1 }), { maxWaitMs: 10_000, maxWaits: 2 }, sleep);
  let calls = 0;
  await assert.rejects(
    limiter.run(async () => (calls++, Promise.reject(busy(100)))),
    (err: unknown) => err instanceof TransportError && err.retryAfterMs === 100,
  );
  assert.equal(calls, 3);
  assert.deepEqual(waits, [100, 100]);

  calls = 0;
  await assert.rejects(
    limiter.run(async () => (calls++, Promise.reject(busy(30_000)))),
    TransportError,
  );
  assert.equal(calls, 1, 'a 30 s Retry-After is over maxWaitMs: no wait here');
});

test('never sends again after an error that may have been processed, or that has no Retry-After', async () => {
  const { waits, sleep } = fakeSleep();
  const limiter = honouringRetryAfter(createLimiter({ concurrency: 1 }), { maxWaitMs: 60_000, maxWaits: 3 }, sleep);
  for (const err of [
    new UnknownOutcome('timeout after sending'),
    new TransportError('refused', true),
    new TransportError('HTTP 500', false, 1000),
    new RecordError('refused'),
  ]) {
    let calls = 0;
    await assert.rejects(limiter.run(async () => (calls++, Promise.reject(err))));
    assert.equal(calls, 1, err.message);
  }
  assert.deepEqual(waits, []);
});

test('does not hold a concurrency slot while waiting', async () => {
  let release!: () => void;
  const waiting = new Promise<void>((resolve) => (release = resolve));
  const limiter = honouringRetryAfter(createLimiter({ concurrency: 1 }), { maxWaitMs: 60_000, maxWaits: 1 }, () => waiting);
  let first = 0;
  const a = limiter.run(async () => (first++ === 0 ? Promise.reject(busy(5000)) : 'a'));
  await new Promise((r) => setImmediate(r));
  assert.equal(await limiter.run(async () => 'b'), 'b', 'another send got the only slot during the wait');
  release();
  assert.equal(await a, 'a');
});

test('reports every send to onSend with its connection, latency and outcome', async () => {
  const events: SendEvent[] = [];
  const answers: Array<() => Promise<never> | Promise<{ answer: unknown }>> = [
    async () => ({ answer: { ok: 1 } }),
    async () => Promise.reject(busy(10)),
    async () => Promise.reject(new UnknownOutcome('lost')),
    async () => Promise.reject(new RecordError('no')),
  ];
  const fake: Receiver = { send: () => answers.shift()!() };
  const registry = createReceiverRegistry(
    {
      bases: {
        demo: {
          database: 'x',
          tokens: [],
          connections: { rest: { type: 'API', url: 'http://x', headers: {}, timeoutMs: 1000, concurrency: 1, safeToResend: false } },
        },
      },
    },
    { API: () => fake },
    {
      onSend: (e) => {
        events.push(e);
        throw new Error('a broken metrics hook never breaks a send');
      },
      retryAfter: { maxWaits: 0 },
    },
  );
  const target = registry.get('demo', 'rest');
  for (let i = 0; i < 4; i++) await target.limiter.run(() => target.receiver.send({ link: '/x', body: {} })).catch(() => undefined);
  assert.deepEqual(
    events.map((e) => e.outcome),
    ['ok', 'retryable', 'unknown', 'error'],
  );
  assert.ok(events.every((e) => e.base === 'demo' && e.connection === 'rest' && e.type === 'API' && e.ms >= 0));
  assert.equal(registry.get('demo', 'rest'), target, 'one receiver and limiter per connection, shared by every run');
  await registry.close();
});

test('reads Retry-After as seconds or as an HTTP date', () => {
  assert.equal(parseRetryAfter('3'), 3000);
  assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 10_000);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(undefined), undefined);
});
