// Deployment-wide limits with real worker processes: two `integrador worker` processes share one run whose
// connection says `scope: deployment`, `concurrency: 2`; the G5 receiver counts the calls in flight at once
// and never sees more than 2, even when one worker is SIGKILLed mid-run holding its slots (PostgreSQL frees
// them with its sessions, and the survivor finishes the run). The control: the same run with the limit per
// process lets 2 × 2 calls through.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertExactlyOnce, countDelivery, countsLine, recordFacts } from './helpers/delivery-check';
import { resultOf, spawnWorker, startFaultEnv, waitFor, type FaultEnv, type WorkerProcess } from './helpers/fault-env';

const CONCURRENCY = 2;
const RUN = { chunkSize: 10, maxChunksInFlight: 4, laterChunkSize: 10, chunksPerWorker: 1 };

describe('fault: two workers under one deployment-wide limit, one killed', () => {
  const RECORDS = 120;
  let env: FaultEnv;
  let workers: WorkerProcess[] = [];
  before(async () => {
    env = await startFaultEnv({ records: RECORDS, connection: { concurrency: CONCURRENCY, scope: 'deployment' }, run: RUN });
    env.receiver.setBehaviour({ delayMs: 60 });
  });
  after(async () => {
    for (const w of workers) await w.stop();
    await env?.close();
  });

  test(`at most ${CONCURRENCY} calls in flight across both workers, before and after a SIGKILL`, { timeout: 240_000 }, async () => {
    workers = await Promise.all([0, 1].map(() => spawnWorker(env.configFile)));
    const handle = await env.startRun();
    await waitFor('40 sends before the kill', () => env.receiver.received.length >= 40, 120_000);
    const victim = workers[0]!;
    await victim.kill();
    workers = workers.filter((w) => w !== victim);
    const killedAt = env.receiver.received.length;
    const result = await resultOf(handle, 180_000);
    const facts = await recordFacts(env.crm, env.receiver, result.execucaoId);
    const counts = countDelivery(facts);
    console.log(`${countsLine('deployment-limit-kill', counts)} at_received=${killedAt} max_in_flight=${env.receiver.maxInFlight}`);
    assert.ok(env.receiver.maxInFlight <= CONCURRENCY, `the receiver saw ${env.receiver.maxInFlight} calls at once`);
    assert.equal(env.receiver.maxInFlight, CONCURRENCY, 'both slots were used');
    assertExactlyOnce(facts, RECORDS);
    // the killed worker held one chunk: at most its slots were in flight
    assert.ok((counts.byStatus.incerto ?? 0) <= CONCURRENCY, `incerto ${counts.byStatus.incerto}`);
    const events = (await handle.fetchHistory()).events ?? [];
    const identities = new Set(events.map((e) => e.activityTaskStartedEventAttributes?.identity).filter(Boolean));
    assert.ok(identities.size >= 2, `chunks ran on ${identities.size} worker(s)`);
  });
});

describe('control: the same two workers with the limit per process', () => {
  const RECORDS = 60;
  let env: FaultEnv;
  let workers: WorkerProcess[] = [];
  before(async () => {
    env = await startFaultEnv({ records: RECORDS, connection: { concurrency: CONCURRENCY }, run: RUN });
    env.receiver.setBehaviour({ delayMs: 60 });
  });
  after(async () => {
    for (const w of workers) await w.stop();
    await env?.close();
  });

  test(`more than ${CONCURRENCY} calls in flight: each process has its own ${CONCURRENCY}`, { timeout: 240_000 }, async () => {
    workers = await Promise.all([0, 1].map(() => spawnWorker(env.configFile)));
    const result = await resultOf(await env.startRun(), 180_000);
    const counts = countDelivery(await recordFacts(env.crm, env.receiver, result.execucaoId));
    console.log(`${countsLine('process-limit', counts)} max_in_flight=${env.receiver.maxInFlight}`);
    assert.equal(counts.byStatus.gravado, RECORDS);
    assert.ok(env.receiver.maxInFlight > CONCURRENCY, `the receiver saw at most ${env.receiver.maxInFlight} calls at once`);
  });
});
