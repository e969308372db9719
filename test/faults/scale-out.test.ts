// Fault: three worker processes share one large run (each takes run.chunksPerWorker chunks at a time, so
// its chunks spread over them); one is SIGKILLed mid-run. Witnesses per record: the ledger, the receiver's own count, the CRM
// write-back counter. No record is sent twice, no write-back is lost or doubled; only records the killed
// worker had in flight may end `incerto`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LANES_PER_SLOT } from '../../activities/send-records';
import { assertExactlyOnce, countDelivery, countsLine, recordFacts } from './helpers/delivery-check';
import { resultOf, spawnWorker, startFaultEnv, waitFor, type FaultEnv, type WorkerProcess } from './helpers/fault-env';

const RECORDS = 300;
const CONCURRENCY = 4;
// one chunk slot per worker: 6 chunks in flight need every worker, so all three take part even if one
// starts polling late (with the default 2, two workers could drain a short run before the third polls)
const RUN = { chunkSize: 20, maxChunksInFlight: 6, laterChunkSize: 20, chunksPerWorker: 1 };

describe('fault: three workers on one run, one killed', () => {
  let env: FaultEnv;
  let workers: WorkerProcess[] = [];
  before(async () => {
    env = await startFaultEnv({
      records: RECORDS,
      connection: { concurrency: CONCURRENCY },
      run: RUN,
    });
    env.receiver.setBehaviour({ delayMs: 30 });
  });
  after(async () => {
    for (const w of workers) await w.stop();
    await env?.close();
  });

  test(`${RECORDS} records over three workers, one SIGKILLed: each sent and written back once, or incerto`, { timeout: 240_000 }, async () => {
    workers = await Promise.all([0, 1, 2].map(() => spawnWorker(env.configFile)));
    const handle = await env.startRun();
    await waitFor('100 sends before the kill', () => env.receiver.received.length >= 100, 120_000);
    const victim = workers[1]!;
    await victim.kill();
    workers = workers.filter((w) => w !== victim);
    console.log(`fault=scale-out-kill at_received=${env.receiver.received.length}`);
    const result = await resultOf(handle, 180_000);
    const facts = await recordFacts(env.crm, env.receiver, result.execucaoId);
    const counts = countDelivery(facts);
    console.log(countsLine('scale-out-kill', counts));
    assertExactlyOnce(facts, RECORDS);
    // the killed worker held its chunks (chunksPerWorker): at most their lanes were in flight
    const lanes = RUN.chunksPerWorker * LANES_PER_SLOT * CONCURRENCY;
    assert.ok((counts.byStatus.incerto ?? 0) <= lanes, `incerto ${counts.byStatus.incerto}, lanes ${lanes}`);
    // the chunks really spread: every started chunk names its worker
    const events = (await handle.fetchHistory()).events ?? [];
    const identities = new Set(events.map((e) => e.activityTaskStartedEventAttributes?.identity).filter(Boolean));
    assert.ok(identities.size >= 3, `chunks ran on ${identities.size} worker(s)`);
  });
});
