// Deployment-wide connection limits (`scope: deployment`) on a real PostgreSQL: independent limiters, each
// with its own pool as separate worker processes have, never exceed `concurrency` calls in flight together
// (counted by a real HTTP server on 127.0.0.1), a dead holder's slot frees itself, the rate holds across
// limiters, and no call is made without its slot when PostgreSQL cannot be reached or no slot frees in time.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Pool } from 'pg';
import { createDeploymentLimiter, type DeploymentLimiter } from '../../src/connectors/deployment-limiter';
import { createLimiter, type Limiter } from '../../src/connectors/limiter';
import { migrate } from '../../src/crm/migrate';
import { freePort } from '../../src/dev/free-port';
import { TransportError } from '../../src/errors';
import { testServices } from '../helpers/services';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A receiver that answers after `delayMs` and counts the requests in flight at once. */
async function countingReceiver(delayMs: number) {
  let inFlight = 0;
  let peak = 0;
  let served = 0;
  const server: Server = createServer((_req, res) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    setTimeout(() => {
      inFlight--;
      served++;
      res.end('ok');
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    call: async () => (await fetch(url)).text(),
    stats: () => ({ peak, served }),
    reset: () => ((peak = 0), (served = 0)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Waits until `check` holds, polling every 20 ms, at most `timeoutMs`. */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('deployment-wide connection limits', () => {
  let database: string;
  let admin: Pool;
  let receiver: Awaited<ReturnType<typeof countingReceiver>>;
  const limiters: DeploymentLimiter[] = [];
  const limiter = (connection: string, opts: { concurrency: number; ratePerSecond?: number; maxWaitMs?: number; roundMs?: number }) => {
    const l = createDeploymentLimiter({ base: 'demo', connection, database, ...opts });
    limiters.push(l);
    return l;
  };
  /** Sessions of the limits' pools holding a slot, by backend pid (two-key advisory locks). */
  const holders = async () =>
    (
      await admin.query<{ pid: number; locks: number }>(
        `SELECT l.pid, count(*)::int AS locks FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted AND a.application_name = 'integrador-limits' GROUP BY l.pid`,
      )
    ).rows;

  before(async () => {
    database = await (await testServices()).newDatabase('limits');
    await migrate(database);
    admin = new Pool({ connectionString: database, max: 2 });
    receiver = await countingReceiver(40);
  });
  after(async () => {
    await Promise.all(limiters.map((l) => l.close()));
    await receiver?.close();
    await admin?.end();
  });

  /** `calls` calls spread round-robin over `over`, all started at once. */
  const callsOver = (over: Limiter[], calls: number, during?: () => Promise<void>) =>
    Promise.all(
      Array.from({ length: calls }, (_, i) =>
        over[i % over.length]!.run(async () => {
          await during?.();
          return receiver.call();
        }),
      ),
    );

  test('three limiters on one connection never have more than `concurrency` calls in flight together', { timeout: 60_000 }, async () => {
    const three = [0, 1, 2].map(() => limiter('g5', { concurrency: 2 }));
    receiver.reset();
    let mostLocksOfOneSession = 0;
    let sampled = 0;
    const answers = await callsOver(three, 30, async () => {
      if (sampled++ % 5) return;
      const now = await holders();
      mostLocksOfOneSession = Math.max(mostLocksOfOneSession, ...now.map((h) => h.locks));
      assert.ok(now.length <= 2, `${now.length} sessions hold a slot`);
    });
    assert.equal(answers.length, 30);
    assert.ok(answers.every((a) => a === 'ok'));
    const { peak, served } = receiver.stats();
    console.log(`deployment_limit peak_in_flight=${peak} concurrency=2 limiters=3 calls=${served}`);
    assert.equal(served, 30);
    assert.equal(peak, 2, `peak in flight ${peak}`);
    assert.equal(mostLocksOfOneSession, 1, 'a session holds one slot, never more');
    await until('every slot given back', async () => (await holders()).length === 0);
  });

  test('negative control: three process-scoped limiters let 3 × `concurrency` through', { timeout: 60_000 }, async () => {
    receiver.reset();
    await callsOver(
      [0, 1, 2].map(() => createLimiter({ concurrency: 2 })),
      30,
    );
    assert.ok(receiver.stats().peak > 2, `peak in flight ${receiver.stats().peak}`);
  });

  test('a slot whose session is terminated (pg_terminate_backend) frees itself, and its call still ends', { timeout: 60_000 }, async () => {
    const holder = limiter('erp-terminated', { concurrency: 1 });
    const other = limiter('erp-terminated', { concurrency: 1 });
    let release!: () => void;
    const held = holder.run(async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return 'holder done';
    });
    await until('the holder to take the slot', async () => (await holders()).length === 1);
    let otherRan = false;
    const waiting = other.run(async () => {
      otherRan = true;
      return 'other done';
    });
    await sleep(300);
    assert.equal(otherRan, false, 'the slot is taken');
    const pid = (await holders())[0]!.pid;
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    assert.equal(await waiting, 'other done');
    release();
    assert.equal(await held, 'holder done', 'a lost session after the call does not fail it');
  });

  test('a SIGKILLed process holding a slot frees it', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'helpers', 'hold-slot.ts'), database, 'demo', 'erp-killed', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await until('the child to hold the slot', () => output.includes('holding'), 30_000);
      const other = limiter('erp-killed', { concurrency: 1, roundMs: 200 });
      let otherRan = false;
      const waiting = other.run(async () => void (otherRan = true));
      await sleep(300);
      assert.equal(otherRan, false, `the child holds the slot (${output.trim()})`);
      const killedAt = Date.now();
      child.kill('SIGKILL');
      await waiting;
      console.log(`deployment_limit slot_freed_after_sigkill_ms=${Date.now() - killedAt}`);
      assert.ok(otherRan);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });

  test('a busy process cannot keep the slots to itself: a waiting one gets the next free slot', { timeout: 60_000 }, async () => {
    const busy = limiter('fair', { concurrency: 1 });
    const other = limiter('fair', { concurrency: 1 });
    let busyDone = 0;
    const busyCalls = Promise.all(
      Array.from({ length: 20 }, () =>
        busy.run(async () => {
          await sleep(30);
          busyDone++;
        }),
      ),
    );
    await until('the busy process to be under way', () => busyDone >= 2);
    const askedAt = busyDone;
    let startedAt = -1;
    await other.run(async () => void (startedAt = busyDone));
    await busyCalls;
    console.log(`deployment_limit fairness busy_calls_before_other=${startedAt - askedAt}`);
    // queued in PostgreSQL's lock queue, the other process gets the slot when the call holding it ends (a
    // poll would lose to the busy process's next call, which asks the moment it gives the slot back)
    assert.ok(startedAt - askedAt <= 3, `the busy process made ${startedAt - askedAt} calls first`);
    assert.ok(startedAt < 20, 'not after the busy process ran out of calls');
  });

  test('the rate holds across limiters: N calls take at least (N - 1) / ratePerSecond', { timeout: 60_000 }, async () => {
    const rate = 20;
    const calls = 16;
    const two = [0, 1].map(() => limiter('rated', { concurrency: 4, ratePerSecond: rate }));
    const starts: number[] = [];
    await Promise.all(Array.from({ length: calls }, (_, i) => two[i % 2]!.run(async () => void starts.push(performance.now()))));
    starts.sort((a, b) => a - b);
    const spanMs = starts.at(-1)! - starts[0]!;
    const floorMs = ((calls - 1) / rate) * 1000;
    console.log(`deployment_limit rate=${rate}/s calls=${calls} span_ms=${spanMs.toFixed(0)} floor_ms=${floorMs}`);
    // every start is at or after its reserved time, so the span cannot be shorter (a few ms of network jitter aside)
    assert.ok(spanMs >= floorMs - 25, `span ${spanMs} ms < ${floorMs} ms`);
    assert.ok(spanMs < floorMs + 5_000, `span ${spanMs} ms`);
  });

  test('PostgreSQL unreachable: the call fails retryably and is never made', { timeout: 60_000 }, async () => {
    const url = new URL(database);
    url.port = String(await freePort());
    const unreachable = createDeploymentLimiter({ base: 'demo', connection: 'g5', database: url.toString(), concurrency: 2 });
    let called = false;
    try {
      const err = await unreachable
        .run(async () => void (called = true))
        .then(
          () => assert.fail('expected a TransportError'),
          (e: unknown) => e,
        );
      assert.ok(err instanceof TransportError && err.retryable, String(err));
      assert.match(err.message, /connection g5 of base demo: the deployment-wide limit could not be checked .*nothing was sent/);
      assert.equal(called, false);
    } finally {
      await unreachable.close();
    }
  });

  test('no slot free within maxWaitMs: the call fails retryably and is never made; close() ends a wait', { timeout: 60_000 }, async () => {
    const holder = limiter('busy', { concurrency: 1 });
    let release!: () => void;
    const held = holder.run(() => new Promise<void>((resolve) => (release = resolve)));
    await until('the holder to take the slot', async () => (await holders()).length === 1);
    const impatient = limiter('busy', { concurrency: 1, maxWaitMs: 400, roundMs: 150 });
    let called = false;
    const t0 = Date.now();
    const err = await impatient.run(async () => void (called = true)).catch((e: unknown) => e);
    assert.ok(err instanceof TransportError && err.retryable, String(err));
    assert.match(err.message, /no slot of 1 free across the deployment within 400 ms; nothing was sent/);
    assert.ok(Date.now() - t0 >= 400, `gave up after ${Date.now() - t0} ms`);
    assert.equal(called, false);

    const stopped = createDeploymentLimiter({ base: 'demo', connection: 'busy', database, concurrency: 1, roundMs: 150 });
    const waiting = stopped.run(async () => void (called = true)).catch((e: unknown) => e);
    await sleep(200);
    const closing = stopped.close();
    const stopErr = await waiting;
    await closing;
    assert.ok(stopErr instanceof TransportError && stopErr.retryable, String(stopErr));
    assert.equal(called, false);
    release();
    await held;
  });

  test('cost: round trips per call, measured against the process limiter', { timeout: 60_000 }, async () => {
    const calls = 200;
    const time = async (l: Limiter) => {
      const t0 = performance.now();
      for (let i = 0; i < calls; i++) await l.run(async () => undefined);
      return (performance.now() - t0) / calls;
    };
    const processMs = await time(createLimiter({ concurrency: 2 }));
    const deploymentMs = await time(limiter('cost', { concurrency: 2 }));
    const ratedMs = await time(limiter('cost-rated', { concurrency: 2, ratePerSecond: 1_000_000 }));
    console.log(
      `deployment_limit per_call_ms process=${processMs.toFixed(3)} deployment=${deploymentMs.toFixed(3)} deployment_with_rate=${ratedMs.toFixed(3)} (local PostgreSQL)`,
    );
    assert.ok(deploymentMs > processMs, 'the deployment limiter goes to PostgreSQL');
  });
});
