// Fault: the receiver drops connections after processing (the answer is lost: unknown outcome) and
// answers 503 with Retry-After (nothing processed), at random, during a 1,000-record run.
// - a 503 is never an unknown outcome: those records are sent again and end `gravado`, received once;
// - a dropped connection leaves the outcome unknown: `incerto`, received exactly once, never resent;
// - everything else is sent once and written back once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startWorker, type RunningWorker } from '../../src/worker';
import { assertExactlyOnce, countDelivery, countsLine, recordFacts } from './helpers/delivery-check';
import { resultOf, startFaultEnv, type FaultEnv } from './helpers/fault-env';

const RECORDS = 1000;

describe('fault: receiver drops connections and answers 503 at random', () => {
  let env: FaultEnv;
  let worker: RunningWorker | undefined;
  before(async () => {
    env = await startFaultEnv({ records: RECORDS });
  });
  after(async () => {
    await worker?.shutdown();
    await env?.close();
  });

  test(`${RECORDS} records with 5% dropped connections and 5% 503s: 503s resent, drops incerto, the rest exactly once`, { timeout: 180_000 }, async () => {
    worker = await startWorker(env.config);
    env.receiver.setBehaviour({ randomFailures: { rate: 0.1, modes: [503, 'dropConnection'], seed: 42 }, retryAfterSeconds: 0 });
    const handle = await env.startRun();
    const result = await resultOf(handle, 150_000);
    const facts = await recordFacts(env.crm, env.receiver, result.execucaoId);
    const counts = countDelivery(facts);
    console.log(countsLine('receiver-chaos', counts));
    assertExactlyOnce(facts, RECORDS);
    const uncertain = facts.filter((f) => f.status === 'incerto');
    assert.ok(uncertain.length > 0, 'some connections were dropped');
    assert.ok(
      uncertain.every((f) => f.received === 1),
      'a dropped connection happens after processing: received once, not resent',
    );
    assert.equal(result.success, false);
    assert.equal(result.integrations[0]!.counts.incerto, uncertain.length);
  });
});
