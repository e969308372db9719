// Fault: the worker is SIGKILLed while it sends a step's single chunk, which is a local activity inside the
// workflow task (patch set-run-local-send, docs/delivery.md "One record, fast"). The kill is noticed by
// the workflow task's timeout, another worker replays the run and sends the chunk again from the ledger:
// every record sent and written back once, except the ones in flight at the kill, which are incerto and
// never resent (the connection is not safeToResend).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LANES_PER_SLOT } from '../../activities/send-records';
import { assertExactlyOnce, countDelivery, countsLine, recordFacts } from './helpers/delivery-check';
import { resultOf, spawnWorker, startFaultEnv, waitFor, type FaultEnv, type WorkerProcess } from './helpers/fault-env';

const RECORDS = 30;
const CONCURRENCY = 2;

describe('fault: worker killed during a single-chunk (local activity) send', () => {
  let env: FaultEnv;
  let worker: WorkerProcess | undefined;
  before(async () => {
    // one chunk of 30 records; two at a time, 200 ms each: the send lasts ~3 s
    env = await startFaultEnv({ records: RECORDS, connection: { concurrency: CONCURRENCY }, run: { chunkSize: 50, maxChunksInFlight: 4 } });
    env.receiver.setBehaviour({ delayMs: 200 });
  });
  after(async () => {
    await worker?.stop();
    await env?.close();
  });

  test(
    'SIGKILL mid-send: the workflow task times out, the next worker resumes from the ledger; each record once, or incerto',
    { timeout: 180_000 },
    async () => {
      worker = await spawnWorker(env.configFile);
      const handle = await env.startRun();
      await waitFor('8 sends before the kill', () => env.receiver.received.length >= 8, 60_000);
      const at = env.receiver.received.length;
      await worker.kill();
      console.log(`fault=worker-kill-single-chunk at_received=${at}`);
      worker = await spawnWorker(env.configFile);
      const result = await resultOf(handle, 150_000);

      const events = (await handle.fetchHistory()).events ?? [];
      const scheduled = events.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
      assert.ok(!scheduled.includes('sendRecords'), `the chunk is a local activity, not scheduled: ${scheduled.join(', ')}`);
      assert.ok(
        events.some((e) => e.workflowTaskTimedOutEventAttributes),
        'the kill was noticed by the workflow task timeout',
      );

      const facts = await recordFacts(env.crm, env.receiver, result.execucaoId);
      const counts = countDelivery(facts);
      console.log(countsLine('worker-kill-single-chunk', counts));
      assert.ok(at < RECORDS, 'the kill landed while the chunk was being sent');
      assertExactlyOnce(facts, RECORDS);
      // only records claimed by a lane at the kill can be incerto: being sent, next in line for a slot
      // (claimed ahead), or with their answer being recorded
      assert.ok((counts.byStatus.incerto ?? 0) <= CONCURRENCY * LANES_PER_SLOT, 'at most one record per lane');
      assert.equal(result.integrations[0]!.counts.gravado, counts.byStatus.gravado);
      assert.equal(result.success, (counts.byStatus.incerto ?? 0) === 0);
    },
  );
});
