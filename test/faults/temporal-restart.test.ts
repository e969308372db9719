// Fault: the Temporal server stops in the middle of a 1,000-record run and comes back on the same port
// with the same database file. Workers keep polling through the outage; activity results lost during it
// are retried from the ledger. Every record is sent once and written back once, or is `incerto`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../src/dev/free-port';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/dev/temporal-dev-server';
import { startWorker, type RunningWorker } from '../../src/worker';
import { assertExactlyOnce, countDelivery, countsLine, recordFacts } from './helpers/delivery-check';
import { resultOf, startFaultEnv, waitFor, type FaultEnv } from './helpers/fault-env';

const RECORDS = 1000;

describe('fault: Temporal server restarted mid-run', () => {
  let dir: string;
  let port: number;
  let temporal: TemporalDevServer | undefined;
  let env: FaultEnv;
  let worker: RunningWorker | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'integrador-temporal-'));
    port = await freePort();
    temporal = await startTemporalDevServer({ port, dbFile: join(dir, 'temporal.db') });
    env = await startFaultEnv({ records: RECORDS, temporalAddress: temporal.address });
    env.receiver.setBehaviour({ delayMs: 10 });
  });
  after(async () => {
    await worker?.shutdown();
    await env?.close();
    await temporal?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test(`a ${RECORDS}-record run survives a Temporal restart: each record sent and written back once, or incerto`, { timeout: 240_000 }, async () => {
    worker = await startWorker(env.config);
    const handle = await env.startRun();
    await waitFor('300 sends', () => env.receiver.received.length >= 300, 120_000);
    const at = env.receiver.received.length;
    await temporal!.stop();
    console.log(`fault=temporal-restart stopped_at_received=${at}`);
    await new Promise((r) => setTimeout(r, 2000));
    temporal = await startTemporalDevServer({ port, dbFile: join(dir, 'temporal.db') });
    const result = await resultOf(handle, 180_000);
    const facts = await recordFacts(env.crm, env.receiver, result.execucaoId);
    const counts = countDelivery(facts);
    console.log(countsLine('temporal-restart', counts));
    assert.ok(at < RECORDS, 'the restart landed while the run was going');
    assertExactlyOnce(facts, RECORDS);
    assert.equal(result.integrations[0]!.counts.gravado, counts.byStatus.gravado);
  });
});
