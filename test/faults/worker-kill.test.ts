// Fault: the worker process is SIGKILLed three times in the middle of a 1,000-record run and started
// again each time. The ledger must make the outcome exact: every record sent once and written back once,
// except records whose send was in flight at a kill (sent, or answered but not yet recorded): those are
// `incerto` and never resent (the connection is not safeToResend).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LANES_PER_SLOT } from '../../activities/send-records';
import { assertExactlyOnce, countDelivery, countsLine, recordFacts } from './helpers/delivery-check';
import { resultOf, spawnWorker, startFaultEnv, waitFor, type FaultEnv, type WorkerProcess } from './helpers/fault-env';

const RECORDS = 1000;
const KILLS = 3;
const CONCURRENCY = 8;
const CHUNKS_IN_FLIGHT = 4;

describe('fault: worker killed mid-run', () => {
  let env: FaultEnv;
  let worker: WorkerProcess | undefined;
  before(async () => {
    env = await startFaultEnv({
      records: RECORDS,
      connection: { concurrency: CONCURRENCY },
      run: { chunkSize: 50, maxChunksInFlight: CHUNKS_IN_FLIGHT, laterChunkSize: 50 },
    });
    // slow enough that the run is still going when each kill lands
    env.receiver.setBehaviour({ delayMs: 25 });
  });
  after(async () => {
    await worker?.stop();
    await env?.close();
  });

  test(`SIGKILL ${KILLS} times during a ${RECORDS}-record run: each record sent and written back once, or incerto`, { timeout: 240_000 }, async () => {
    worker = await spawnWorker(env.configFile);
    const handle = await env.startRun();
    let kills = 0;
    for (let k = 0; k < KILLS; k++) {
      const seen = env.receiver.received.length;
      await waitFor(`150 more sends before kill ${k + 1}`, () => env.receiver.received.length >= seen + 150, 120_000);
      const at = env.receiver.received.length;
      if (at >= RECORDS) break;
      await worker.kill();
      kills++;
      console.log(`fault=worker-kill kill=${kills} at_received=${at}`);
      worker = await spawnWorker(env.configFile);
    }
    const result = await resultOf(handle, 180_000);
    const facts = await recordFacts(env.crm, env.receiver, result.execucaoId);
    const counts = countDelivery(facts);
    console.log(countsLine('worker-kill', counts));
    assert.equal(kills, KILLS, 'every kill landed while the run was going');
    assertExactlyOnce(facts, RECORDS);
    // only records claimed by a lane at a kill (being sent, or answered but not yet recorded) can be incerto
    assert.ok((counts.byStatus.incerto ?? 0) <= KILLS * CHUNKS_IN_FLIGHT * LANES_PER_SLOT * CONCURRENCY, 'at most one record per lane and kill');
    assert.equal(result.integrations[0]!.counts.gravado, counts.byStatus.gravado);
    assert.equal(result.success, (counts.byStatus.incerto ?? 0) === 0);
  });
});
