// Delivery guarantees (SPEC §8) on real parts: the ledger decides what a retried attempt does. Failures are
// injected where they happen for real: a database trigger that fails one statement once (the write-back,
// or the ledger's `enviado` mark: the worker's view of a crash at that point), the receiver's own failure
// modes, and an activity override that loses a chunk's result.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Context } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createActivities, type Activities } from '../../activities';
import { createReceiverRegistry } from '../../src/connectors/registry';
import { createCrmPools } from '../../src/crm/pools';
import { createPgLedgers } from '../../src/delivery/ledger-pg';
import type { RunResult } from '../../src/plan/types';
import { BASE_KEY, EMPRESA_KEY, INTEGRACAO_KEY } from '../../src/temporal/client';
import { SET_RUN_WORKFLOW } from '../../src/temporal/constants';
import { workflowBundle } from '../../src/worker';
import type { SetRunOptions } from '../../workflows/set-run';
import { chunkTaskQueue } from '../../workflows/task-queues';
import { addAccounts, addBatchIntegration, BATCH_INTEGRATION } from '../faults/helpers/accounts';
import { recordFacts } from '../faults/helpers/delivery-check';
import { startSetEnv, TOKEN, type SetEnv } from './helpers/set-env';

async function runBatch(env: SetEnv, range: { first: number; last: number }, options: SetRunOptions = {}) {
  const request = {
    base: 'demo',
    empresaId: 1,
    empresaFilialId: null,
    integracaoId: BATCH_INTEGRATION,
    params: { de: String(range.first), ate: String(range.last) },
  };
  const handle = await env.client.temporal.workflow.start(SET_RUN_WORKFLOW, {
    taskQueue: env.taskQueue,
    // the API finds a run by its id's base prefix (the ids clients build: set-<base>-<empresa>-<integracao>-…)
    workflowId: `set-demo-1-${BATCH_INTEGRATION}-delivery-${randomBytes(6).toString('hex')}`,
    args: [request, options],
    // as the client sets them: the API checks the run's base and company
    typedSearchAttributes: [
      { key: BASE_KEY, value: 'demo' },
      { key: EMPRESA_KEY, value: 1 },
      { key: INTEGRACAO_KEY, value: BATCH_INTEGRATION },
    ],
  });
  const result = (await handle.result()) as RunResult;
  return { result, handle, firstRunId: handle.firstExecutionRunId };
}

async function replays(env: SetEnv, workflowId: string, runId?: string) {
  const history = await env.client.temporal.workflow.getHandle(workflowId, runId).fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowId);
}

/** The task queues a run's chunks (sendRecords activities) were scheduled on. */
async function sendQueues(handle: WorkflowHandle): Promise<Array<string | null | undefined>> {
  const events = (await handle.fetchHistory()).events ?? [];
  const sends = events.flatMap((e) =>
    e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendRecords' ? [e.activityTaskScheduledEventAttributes] : [],
  );
  return [...new Set(sends.map((a) => a.taskQueue?.name))];
}

/** Makes the next `times` row updates matching `when` on `table` fail with a serialization failure (retryable). */
async function failNext(env: SetEnv, name: string, table: string, when: string, times = 1) {
  await env.crm.query(`
    CREATE SEQUENCE ${name}_seq;
    CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- nextval is not rolled back with the failed transaction, so this fails exactly that many times
      IF nextval('${name}_seq') <= ${times} THEN RAISE EXCEPTION 'injected failure: ${name}' USING ERRCODE = '40001'; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER ${name} BEFORE UPDATE ON ${table} FOR EACH ROW WHEN (${when}) EXECUTE FUNCTION ${name}();`);
  return async () => {
    await env.crm.query(`DROP TRIGGER ${name} ON ${table}; DROP FUNCTION ${name}(); DROP SEQUENCE ${name}_seq;`);
  };
}

// The answer of one record's first send is never recorded: every write that would record it fails (the
// write-back transaction, alone or grouped, and the fallback that keeps the answer alone). The record is
// left `enviando`, as a worker killed right after the send would leave it.
const loseAnswerOf = (accountId: number) =>
  `OLD.chave = '${accountId}' AND OLD.tentativas = 1 AND OLD.status = 'enviando' AND NEW.status IN ('enviado', 'gravado')`;
const ALWAYS = 1_000_000;

describe('delivery: a connection that is not safe to resend', () => {
  let env: SetEnv;
  let real: Activities | undefined;
  let pools: ReturnType<typeof createCrmPools> | undefined;
  let receivers: ReturnType<typeof createReceiverRegistry> | undefined;
  let loseNextResult = false;
  let chunksRunning = 0;
  let holdChunks: Promise<void> | undefined;
  let chunksHeld = 0;
  let mostChunksAtOnce = 0;
  let accounts: { first: number; last: number };
  let nextId: number;
  const take = (n: number) => {
    const range = { first: nextId, last: nextId + n - 1 };
    nextId += n;
    return range;
  };

  before(async () => {
    env = await startSetEnv({
      // one chunk slot per worker, so a test sees the slot held (the default is 2); every chunk of 2 records
      run: { chunkSize: 2, maxChunksInFlight: 2, laterChunkSize: 2, chunksPerWorker: 1 },
      worker: {
        activities: {
          // the real activity, whose result is lost once on demand: Temporal retries the chunk
          sendRecords: async (input) => {
            // a bulk chunk (chunk queue) waits while a test holds them: the worker's one chunk slot stays taken
            if (holdChunks && Context.current().info.taskQueue !== env.taskQueue) {
              chunksHeld++;
              await holdChunks;
            }
            chunksRunning++;
            mostChunksAtOnce = Math.max(mostChunksAtOnce, chunksRunning);
            try {
              const out = await real!.sendRecords(input);
              if (loseNextResult) {
                loseNextResult = false;
                throw new Error('injected: the worker died before reporting the chunk');
              }
              return out;
            } finally {
              chunksRunning--;
            }
          },
        },
      },
    });
    pools = createCrmPools(env.config);
    receivers = createReceiverRegistry(env.config);
    real = createActivities({ config: env.config, crm: pools, ledgers: createPgLedgers(pools), receivers });
    await addBatchIntegration(env.crm);
    accounts = await addAccounts(env.crm, 60);
    nextId = accounts.first;
  });
  after(async () => {
    await receivers?.close();
    await pools?.close();
    await env?.close();
  });

  test('a failure between the send and the write-back: the retried attempt writes back once and sends nothing again', async () => {
    const range = take(3);
    const restore = await failNext(env, 'falha_gravacao', 'contas', 'NEW.gravacoes > OLD.gravacoes');
    try {
      const { result } = await runBatch(env, range);
      assert.equal(result.success, true, result.message);
      const facts = await recordFacts(env.crm, env.receiver, result.execucaoId);
      assert.deepEqual(
        facts.map((f) => [f.status, f.received, f.gravacoes]),
        [
          ['gravado', 1, 1],
          ['gravado', 1, 1],
          ['gravado', 1, 1],
        ],
      );
      const attempts = await env.crm.query('SELECT max(tentativas)::int AS n FROM integrador.envio WHERE execucao_id = $1', [result.execucaoId]);
      assert.equal(attempts.rows[0].n, 1, 'no record was claimed for sending twice');
      const failed = await env.crm.query('SELECT last_value FROM falha_gravacao_seq');
      assert.ok(Number(failed.rows[0].last_value) >= 2, 'the injected failure happened');
    } finally {
      await restore();
    }
  });

  test('a record left enviando (the answer was never recorded) becomes incerto and is not sent again', async () => {
    const range = take(3);
    const restore = await failNext(env, 'falha_envio', 'integrador.envio', loseAnswerOf(range.first + 1), ALWAYS);
    try {
      const { result, handle } = await runBatch(env, range);
      assert.equal(result.success, false);
      assert.equal(result.integrations[0]!.counts.incerto, 1);
      assert.equal(result.integrations[0]!.counts.gravado, 2);
      const facts = await recordFacts(env.crm, env.receiver, result.execucaoId);
      const uncertain = facts.filter((f) => f.status === 'incerto');
      assert.deepEqual(
        uncertain.map((f) => f.id),
        [range.first + 1],
      );
      assert.equal(uncertain[0]!.received, 1, 'the receiver got it once, and it was not resent');
      assert.equal(uncertain[0]!.gravacoes, 0);
      for (const f of facts.filter((f) => f.status === 'gravado')) assert.deepEqual([f.received, f.gravacoes], [1, 1]);

      // a person sees it through the API, with the reason
      const res = await env.app.inject({ method: 'GET', url: `/execucoes/${handle.workflowId}?base_crm=demo`, headers: { TOKEN_CRM: TOKEN } });
      assert.equal(res.statusCode, 200, res.body);
      const records = res.json().integrations[0].records as Array<{ key: string; status: string; message: string }>;
      const shown = records.find((r) => r.key === String(uncertain[0]!.id))!;
      assert.equal(shown.status, 'incerto');
      assert.match(shown.message, /unknown outcome/);
    } finally {
      await restore();
    }
  });

  test('a chunk whose result was lost is retried without sending or writing back anything again', async () => {
    const range = take(4);
    loseNextResult = true;
    const { result } = await runBatch(env, range);
    assert.equal(loseNextResult, false, 'the injected failure happened');
    assert.equal(result.success, true, result.message);
    const facts = await recordFacts(env.crm, env.receiver, result.execucaoId);
    assert.deepEqual(
      facts.map((f) => [f.status, f.received, f.gravacoes]),
      Array(4).fill(['gravado', 1, 1]),
    );
  });

  test('a receiver that keeps answering 503 with Retry-After: the record goes back to pendente and the next attempt sends it once', async () => {
    const range = take(1);
    // the connector waits out three Retry-Afters inside the attempt; the fourth 503 ends the attempt
    env.receiver.setBehaviour({ failWith: 503, failTimes: 4, retryAfterSeconds: 1 });
    try {
      const { result } = await runBatch(env, range);
      assert.equal(result.success, true, result.message);
      const facts = await recordFacts(env.crm, env.receiver, result.execucaoId);
      assert.deepEqual(
        facts.map((f) => [f.status, f.received, f.gravacoes]),
        [['gravado', 1, 1]],
      );
      const attempts = await env.crm.query('SELECT tentativas FROM integrador.envio WHERE execucao_id = $1', [result.execucaoId]);
      assert.equal(attempts.rows[0].tentativas, 2, 'claimed by two activity attempts, processed by the receiver once');
    } finally {
      env.receiver.setBehaviour({ failWith: undefined });
    }
  });

  test('a run of several chunks sends them on the chunk queue, chunksPerWorker at a time per worker; a one-record run sends on the workflow task itself', async () => {
    mostChunksAtOnce = 0;
    // chunkSize 2, maxChunksInFlight 2: 3 chunks, 2 scheduled at once, but the worker's one chunk slot
    // (run.chunksPerWorker 1 here) runs them one after the other
    const bulk = await runBatch(env, take(6));
    assert.equal(bulk.result.success, true, bulk.result.message);
    assert.equal(bulk.result.integrations[0]!.counts.gravado, 6);
    assert.deepEqual(await sendQueues(bulk.handle), [chunkTaskQueue(env.taskQueue)]);
    assert.equal(mostChunksAtOnce, 1);
    await replays(env, bulk.handle.workflowId);

    const button = await runBatch(env, take(1));
    assert.equal(button.result.success, true, button.result.message);
    // its one chunk is a local activity of the workflow task (set-run-local-send): no task queue at all
    assert.deepEqual(await sendQueues(button.handle), []);
    const events = (await button.handle.fetchHistory()).events ?? [];
    assert.ok(
      events.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity'),
      'the send is recorded as a local activity marker',
    );
  });

  test('a one-record run is served while every chunk slot is taken by a bulk run', async () => {
    let release!: () => void;
    holdChunks = new Promise<void>((resolve) => (release = resolve));
    chunksHeld = 0;
    try {
      const bulk = runBatch(env, take(4));
      for (let i = 0; chunksHeld === 0 && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(chunksHeld, 1, "the bulk run holds the worker's one chunk slot");
      const button = await runBatch(env, take(1));
      assert.equal(button.result.success, true, button.result.message);
      assert.equal(button.result.integrations[0]!.counts.gravado, 1);
      assert.equal(chunksHeld, 1, "the bulk run's first chunk is still held, its second still queued");
      release();
      holdChunks = undefined;
      const done = await bulk;
      assert.equal(done.result.success, true, done.result.message);
      assert.equal(done.result.integrations[0]!.counts.gravado, 4);
    } finally {
      release();
      holdChunks = undefined;
    }
  });

  test('a large run continues as new, keeps one ledger execution id, and every execution replays', async () => {
    const range = take(9);
    const { result, handle, firstRunId } = await runBatch(env, range, { chunksPerExecution: 2 });
    assert.equal(result.success, true, result.message);
    assert.equal(result.integrations[0]!.counts.gravado, 9);
    assert.equal(result.integrations[0]!.total, 9);
    // workflowInfo().firstExecutionRunId is the same in every execution of the chain
    assert.equal(result.execucaoId, firstRunId);
    const ids = await env.crm.query('SELECT DISTINCT execucao_id FROM integrador.envio WHERE workflow_id = $1', [handle.workflowId]);
    assert.deepEqual(
      ids.rows.map((r) => r.execucao_id),
      [firstRunId],
    );
    const facts = await recordFacts(env.crm, env.receiver, firstRunId);
    assert.deepEqual(
      facts.map((f) => [f.status, f.received, f.gravacoes]),
      Array(9).fill(['gravado', 1, 1]),
    );

    // chunkSize 2 → 5 chunks; 2 per execution → 3 executions, each ending in continue-as-new but the last
    const runIds: string[] = [];
    let runId: string | undefined = firstRunId;
    while (runId && runIds.length < 10) {
      runIds.push(runId);
      await replays(env, handle.workflowId, runId);
      const history: { events?: Array<{ workflowExecutionContinuedAsNewEventAttributes?: { newExecutionRunId?: string | null } | null }> | null } =
        await env.client.temporal.workflow.getHandle(handle.workflowId, runId).fetchHistory();
      runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    assert.equal(runIds.length, 3);
  });
});

describe('delivery: a connection that is safe to resend', () => {
  let env: SetEnv;
  let accounts: { first: number; last: number };
  before(async () => {
    env = await startSetEnv({ connection: { safeToResend: true } });
    await addBatchIntegration(env.crm);
    accounts = await addAccounts(env.crm, 3);
  });
  after(async () => {
    await env?.close();
  });

  test('a record left enviando is sent again and written back once', async () => {
    const restore = await failNext(env, 'falha_envio', 'integrador.envio', loseAnswerOf(accounts.first), ALWAYS);
    try {
      const { result } = await runBatch(env, accounts);
      assert.equal(result.success, true, result.message);
      const facts = await recordFacts(env.crm, env.receiver, result.execucaoId);
      assert.deepEqual(
        facts.map((f) => f.status),
        ['gravado', 'gravado', 'gravado'],
      );
      assert.deepEqual(
        facts.map((f) => f.gravacoes),
        [1, 1, 1],
      );
      // the receiver is idempotent (same CNPJ, same code): the record with the lost answer got it twice
      assert.deepEqual(
        facts.map((f) => f.received),
        [2, 1, 1],
      );
    } finally {
      await restore();
    }
  });
});
