// `npm run bench`: a 10,000-record SET to the local G5-like receiver, run by the engine (Temporal workflow,
// ledger, write-back) and by a direct loop (same query, mapping, SOAP send and write-back, same concurrency,
// no Temporal, no ledger), in halves and in turn (engine, direct, direct, engine: a drift of the shared
// machine's speed weighs on both alike); then single-record latency through /integrar next to the
// direct path's. The receiver runs in its own process (bench/receiver-process.ts), so it is the limit both
// sides share and not a CPU competitor of one side only. Everything binds 127.0.0.1; services are started
// and stopped here.
// Then batch mode (lote_envio BENCH_BATCH, 50): the engine and a direct loop in batch mode over fresh
// records (in turn, the same way), and a second engine run of the same records with somente_alterados
// (nothing should be sent).
// Figures: `batch_multiple=<engine batch ÷ direct per-record, both measured in turn in batch mode's phase>`,
// `batch_ratio=<engine batch ÷ direct batch>`,
// `rerun_sent=<n>`, `rerun_fraction=<second run time ÷ first>`; the last line is `ratio=<engine/direct
// per-record throughput>`.
// Knobs (environment): BENCH_RECORDS (10000, or the first argument), BENCH_CONCURRENCY (8), BENCH_CHUNK, BENCH_CHUNKS_IN_FLIGHT, BENCH_LATER_CHUNK,
// BENCH_CHUNKS_PER_WORKER (the run section's defaults when unset), BENCH_WARMUP (2000 records per path before each phase), BENCH_LATENCY_SAMPLES (50),
// BENCH_EAGER_START (1; 0 = the API's client on its own connection), BENCH_BATCH (50), BENCH_LARGE (0 = skip; e.g. 100000: one more engine run in
// batch mode over that many new records, printing `peak_rss_mb=` (this process, where the worker runs)
// and `history_events_max=` (the most events in one execution of its continue-as-new chain)).
import { createHash, randomBytes } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { Pool } from 'pg';
import { createLoadPlan } from '../activities/load-plan';
import { buildApp } from '../src/api/app';
import { parseConfig } from '../src/config/load-config';
import { createReceiverRegistry } from '../src/connectors/registry';
import { migrate } from '../src/crm/migrate';
import { createCrmPools } from '../src/crm/pools';
import { seedDemoCrm, seedDemoIntegration } from '../src/dev/demo-seed';
import { startEmbeddedPostgres } from '../src/dev/embedded-postgres';
import { startTemporalDevServer } from '../src/dev/temporal-dev-server';
import type { RunRequest, RunResult, SetStep } from '../src/plan/types';
import { createIntegradorClient } from '../src/temporal/client';
import { startWorker } from '../src/worker';
import { addAccounts, addBatchIntegration, BATCH_INTEGRATION } from '../test/faults/helpers/accounts';
import { directBatchLoop, directLoop } from './direct-loop';
import { spawnReceiverProcess } from './receiver-process';

// `npm run bench -- 500` (or BENCH_RECORDS=500) for a quick run
const RECORDS = Number(process.argv[2] ?? process.env.BENCH_RECORDS ?? 10_000);
if (!Number.isInteger(RECORDS) || RECORDS < 1)
  throw new Error(`the record count must be a positive integer, not ${process.argv[2] ?? process.env.BENCH_RECORDS}`);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 50);
const BATCH = Number(process.env.BENCH_BATCH ?? 50);
const LARGE = Number(process.env.BENCH_LARGE ?? 0);
// records each path sends before each phase: enough for the engine's bulk path (its chunks of 500 after the
// first eight of 100, two chunks at once, pools at their size, JIT) to be warm, not only its first chunks;
// after 200, the engine's first half ran about 30% slower than its second while the loop's two were equal
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2_000);
if (!Number.isInteger(WARMUP) || WARMUP < 1) throw new Error(`BENCH_WARMUP must be a positive integer, not ${process.env.BENCH_WARMUP}`);
const DEADLINE_MS = 15 * 60_000;

const log = (line: string) => console.log(line);
const rate = (n: number, ms: number) => (n / ms) * 1000;

/** BENCH_CHUNK (run.chunkSize), BENCH_CHUNKS_IN_FLIGHT (run.maxChunksInFlight), BENCH_LATER_CHUNK (run.laterChunkSize), BENCH_CHUNKS_PER_WORKER (run.chunksPerWorker). */
function runKnobs(): Record<string, number> {
  const knobs = {
    chunkSize: 'BENCH_CHUNK',
    maxChunksInFlight: 'BENCH_CHUNKS_IN_FLIGHT',
    laterChunkSize: 'BENCH_LATER_CHUNK',
    chunksPerWorker: 'BENCH_CHUNKS_PER_WORKER',
  };
  return Object.fromEntries(Object.entries(knobs).flatMap(([key, name]) => (process.env[name] ? [[key, Number(process.env[name])]] : [])));
}

type Path = (first: number, last: number) => Promise<number>;

/** One path of a phase: its records start at `first`. */
interface Side {
  /** For the per-half lines. */
  name: string;
  first: number;
  run: Path;
}

/**
 * `count` records on each path, in halves and in turn: the first halves in order, the second halves in
 * reverse (engine, direct, direct, engine). A drift of this shared machine's speed during the phase then
 * weighs on every side alike, as it would not on one path run after the other. Each side's [records sent,
 * milliseconds], summed over its two halves.
 */
async function inTurn(sides: Side[], count: number): Promise<Array<[number, number]>> {
  const half = Math.floor(count / 2);
  const totals = sides.map((): [number, number] => [0, 0]);
  const timed = async (i: number, from: number, n: number) => {
    const t = performance.now();
    const sent = await sides[i]!.run(sides[i]!.first + from, sides[i]!.first + from + n - 1);
    const ms = performance.now() - t;
    totals[i]![0] += sent;
    totals[i]![1] += ms;
    log(`  ${sides[i]!.name}, ${from ? 'second' : 'first'} half: ${rate(sent, ms).toFixed(1)} records/s`);
  };
  for (let i = 0; i < sides.length; i++) await timed(i, 0, half);
  for (let i = sides.length - 1; i >= 0; i--) await timed(i, half, count - half);
  return totals;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main() {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => console.error('stop:', err));
  };
  try {
    const [pg, temporal] = await Promise.all([startEmbeddedPostgres(), startTemporalDevServer()]);
    stops.push(
      () => pg.stop(),
      () => temporal.stop(),
    );
    const receiver = await spawnReceiverProcess('bench');
    stops.push(() => receiver.stop());
    log(`receiver: its own process (pid ${receiver.pid}) on ${receiver.baseUrl}`);

    // two CRM databases with the same data: one for the engine, one for the direct loop
    const token = randomBytes(8).toString('hex');
    const databases: Record<string, { url: string; crm: Pool; range: { first: number; last: number } }> = {};
    for (const base of ['engine', 'direct']) {
      const url = await pg.createDatabase(`bench_${base}`);
      await migrate(url);
      const crm = new Pool({ connectionString: url, max: 2 });
      stops.push(() => crm.end());
      await seedDemoCrm(crm);
      await seedDemoIntegration(crm);
      await addBatchIntegration(crm);
      // warm-up, per-record, latency samples, then batch mode (its own warm-up and records)
      // and, on the direct base, the per-record loop again during batch mode
      const range = await addAccounts(crm, WARMUP + RECORDS + SAMPLES + WARMUP + RECORDS + RECORDS);
      await crm.query('VACUUM ANALYZE');
      if (process.env.BENCH_SYNCHRONOUS_COMMIT)
        await crm.query(`ALTER DATABASE bench_${base} SET synchronous_commit = ${process.env.BENCH_SYNCHRONOUS_COMMIT === 'off' ? 'off' : 'on'}`);
      databases[base] = { url, crm, range };
    }
    const connection = {
      type: 'WS',
      url: receiver.baseUrl,
      args: { user: 'integrador', password: 'bench', encryption: 0 },
      timeoutMs: 30_000,
      concurrency: CONCURRENCY,
    };
    const config = parseConfig(
      JSON.stringify({
        temporal: { address: temporal.address, taskQueue: 'bench' },
        // the product's defaults unless a knob is set
        run: runKnobs(),
        api: { waitLimitMs: 120_000 },
        logs: { level: 'error' },
        bases: Object.fromEntries(
          Object.entries(databases).map(([base, db]) => [
            base,
            { database: db.url, tokens: [{ sha256: createHash('sha256').update(token).digest('hex') }], connections: { g5: connection } },
          ]),
        ),
      }),
      {},
    );

    log(`bench: ${RECORDS} records, connection concurrency ${CONCURRENCY}, run ${JSON.stringify(config.run)}`);
    const worker = await startWorker(config);
    stops.push(() => worker.shutdown());
    // as `serve` does: the client shares the worker's connection and starts runs eagerly on it
    // (BENCH_EAGER_START=0: its own connection, the path of an API without a local worker)
    const client = await createIntegradorClient(config.temporal, process.env.BENCH_EAGER_START === '0' ? {} : { workerConnection: worker.connection });
    stops.push(() => client.close());
    const pools = createCrmPools(config);
    stops.push(() => pools.close());
    const receivers = createReceiverRegistry(config);
    stops.push(() => receivers.close());

    const request = (base: string, first: number, last: number): RunRequest => ({
      base,
      empresaId: 1,
      empresaFilialId: null,
      integracaoId: BATCH_INTEGRATION,
      params: { de: String(first), ate: String(last) },
    });
    const engineCounts = async (first: number, last: number) => {
      const result = await client.run(request('engine', first, last));
      if (!result.success) throw new Error(`engine run failed: ${result.message}`);
      return result.integrations[0]!.counts;
    };
    const engineRun = async (first: number, last: number) => (await engineCounts(first, last)).gravado ?? 0;
    const directPlan = await createLoadPlan({ crm: pools, config })({ request: request('direct', 0, 0) });
    const step = directPlan.steps[0] as SetStep;
    const target = receivers.get('direct', 'g5');
    const directRun = async (first: number, last: number) => {
      const layers = { params: { de: String(first), ate: String(last) }, builtins: directPlan.builtins };
      const totals = await directLoop(pools.pool('direct'), target, step, layers);
      if (totals.failed) throw new Error(`direct loop: ${totals.failed} records failed`);
      return totals.sent;
    };

    // warm-up: WSDL loaded, JIT warm, pools filled, later chunks run, on both paths
    const e = databases.engine!.range;
    const d = databases.direct!.range;
    await engineRun(e.first, e.first + WARMUP - 1);
    await directRun(d.first, d.first + WARMUP - 1);

    // throughput: the same records, the same receiver, both paths in turn
    const [[engineSent, engineMs], [directSent, directMs]] = await inTurn(
      [
        { name: 'engine', first: e.first + WARMUP, run: engineRun },
        { name: 'direct', first: d.first + WARMUP, run: directRun },
      ],
      RECORDS,
    );
    log(`engine: ${engineSent} records in ${(engineMs / 1000).toFixed(1)} s = ${rate(engineSent, engineMs).toFixed(1)} records/s`);
    log(`direct: ${directSent} records in ${(directMs / 1000).toFixed(1)} s = ${rate(directSent, directMs).toFixed(1)} records/s`);
    if (engineSent !== RECORDS || directSent !== RECORDS) throw new Error(`expected ${RECORDS} records on each path`);
    let t: number;

    // single-record latency: /integrar (integration 19, contaId) against the direct path for one record
    const app = buildApp({ config, client, crm: pools });
    stops.push(() => app.close());
    const integrar: number[] = [];
    const workflowIds: string[] = [];
    const direct: number[] = [];
    const firstSample = e.first + WARMUP + RECORDS;
    for (let i = 0; i < SAMPLES; i++) {
      const contaId = firstSample + i;
      t = performance.now();
      const res = await app.inject({
        method: 'GET',
        url: `/integrar?base_crm=engine&empresa_id=1&integracao_servico_id=19&contaId=${contaId}`,
        headers: { TOKEN_CRM: token },
      });
      integrar.push(performance.now() - t);
      workflowIds.push(res.json().workflowId);
      if (res.statusCode !== 200) throw new Error(`/integrar answered ${res.statusCode}: ${res.body}`);
      t = performance.now();
      await directRun(contaId, contaId);
      direct.push(performance.now() - t);
    }
    if (process.env.BENCH_TRACE) await traceRuns(client, workflowIds, integrar);
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    log(`latency /integrar (1 record, ${SAMPLES} requests): p50 ${ms(percentile(integrar, 50))} p99 ${ms(percentile(integrar, 99))}`);
    log(`latency direct (1 record, ${SAMPLES} requests): p50 ${ms(percentile(direct, 50))} p99 ${ms(percentile(direct, 99))}`);

    // batch mode: lote_envio BATCH on both bases, fresh records, the same receiver
    for (const db of Object.values(databases)) {
      await db.crm.query(
        `UPDATE integrador.integracao SET lote_envio = $2, caminho_lote = 'parameters.dadosGeraisCliente', chave_retorno = 'ideExt' WHERE id = $1`,
        [BATCH_INTEGRATION, BATCH],
      );
    }
    const batchPlan = await createLoadPlan({ crm: pools, config })({ request: request('direct', 0, 0) });
    const batchStep = batchPlan.steps[0] as SetStep;
    const directBatchRun = async (first: number, last: number) => {
      const layers = { params: { de: String(first), ate: String(last) }, builtins: batchPlan.builtins };
      const totals = await directBatchLoop(pools.pool('direct'), target, batchStep, layers);
      if (totals.failed) throw new Error(`direct batch loop: ${totals.failed} records failed`);
      return totals.sent;
    };
    const be = e.first + WARMUP + RECORDS + SAMPLES;
    const bd = d.first + WARMUP + RECORDS + SAMPLES;
    await engineRun(be, be + WARMUP - 1);
    await directBatchRun(bd, bd + WARMUP - 1);
    // batch_multiple divides by the direct per-record loop run in this phase too, on records of its own
    const [[engineBatchSent, engineBatchMs], [directBatchSent, directBatchMs], [directAgainSent, directAgainMs]] = await inTurn(
      [
        { name: 'engine batch', first: be + WARMUP, run: engineRun },
        { name: 'direct batch', first: bd + WARMUP, run: directBatchRun },
        { name: 'direct per record', first: bd + WARMUP + RECORDS, run: directRun },
      ],
      RECORDS,
    );
    log(
      `engine batch (lote_envio ${BATCH}): ${engineBatchSent} records in ${(engineBatchMs / 1000).toFixed(1)} s = ${rate(engineBatchSent, engineBatchMs).toFixed(1)} records/s`,
    );
    log(
      `direct batch (lote_envio ${BATCH}): ${directBatchSent} records in ${(directBatchMs / 1000).toFixed(1)} s = ${rate(directBatchSent, directBatchMs).toFixed(1)} records/s`,
    );
    log(
      `direct per record, during batch mode: ${directAgainSent} records in ${(directAgainMs / 1000).toFixed(1)} s = ${rate(directAgainSent, directAgainMs).toFixed(1)} records/s`,
    );
    if (engineBatchSent !== RECORDS || directBatchSent !== RECORDS || directAgainSent !== RECORDS)
      throw new Error(`expected ${RECORDS} records on each batch path`);

    // the same records again with somente_alterados: nothing changed, nothing should be sent
    await databases.engine!.crm.query('UPDATE integrador.integracao SET somente_alterados = true WHERE id = $1', [BATCH_INTEGRATION]);
    t = performance.now();
    const rerun = await engineCounts(be + WARMUP, be + WARMUP + RECORDS - 1);
    const rerunMs = performance.now() - t;
    // its first run: the engine's two halves above
    const rerunSent = (rerun.gravado ?? 0) + (rerun.enviado ?? 0);
    log(`engine rerun (somente_alterados): ${rerun.inalterado ?? 0} inalterado, ${rerunSent} sent in ${(rerunMs / 1000).toFixed(1)} s`);

    // a large run in batch mode: memory and history must stay bounded
    let large: { peakRssMb: number; historyEventsMax: number } | undefined;
    if (LARGE > 0) {
      await databases.engine!.crm.query('UPDATE integrador.integracao SET somente_alterados = false WHERE id = $1', [BATCH_INTEGRATION]);
      const range = await addAccounts(databases.engine!.crm, LARGE);
      await databases.engine!.crm.query('VACUUM ANALYZE');
      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
      t = performance.now();
      const handle = await client.start(request('engine', range.first, range.last));
      const result = (await handle.result()) as RunResult;
      const largeMs = performance.now() - t;
      clearInterval(sampler);
      if (!result.success) throw new Error(`large run failed: ${result.message}`);
      const largeSent = result.integrations[0]!.counts.gravado ?? 0;
      // walk the continue-as-new chain back from its last execution
      let historyEventsMax = 0;
      let executions = 0;
      let runId: string | undefined;
      do {
        const history = await client.temporal.workflow.getHandle(handle.workflowId, runId).fetchHistory();
        historyEventsMax = Math.max(historyEventsMax, history.events?.length ?? 0);
        executions++;
        runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
      } while (runId);
      log(
        `engine large (lote_envio ${BATCH}): ${largeSent} records in ${(largeMs / 1000).toFixed(1)} s = ${rate(largeSent, largeMs).toFixed(1)} records/s, ${executions} execution(s)`,
      );
      large = { peakRssMb: peak / 1024 / 1024, historyEventsMax };
    }

    log(`batch_multiple=${(rate(engineBatchSent, engineBatchMs) / rate(directAgainSent, directAgainMs)).toFixed(2)}`);
    log(`batch_ratio=${(rate(engineBatchSent, engineBatchMs) / rate(directBatchSent, directBatchMs)).toFixed(2)}`);
    log(`rerun_sent=${rerunSent}`);
    log(`rerun_fraction=${(rerunMs / engineBatchMs).toFixed(2)}`);
    if (large) {
      log(`peak_rss_mb=${large.peakRssMb.toFixed(0)}`);
      log(`history_events_max=${large.historyEventsMax}`);
    }
    // one line each, machine-readable, before the final ratio= line
    log(`latency_p50_ms=${percentile(integrar, 50).toFixed(1)}`);
    log(`latency_direct_p50_ms=${percentile(direct, 50).toFixed(1)}`);
    log(`ratio=${(rate(engineSent, engineMs) / rate(directSent, directMs)).toFixed(2)}`);
  } finally {
    await stopAll();
  }
}

const deadline = setTimeout(() => {
  console.error(`bench: still running after ${DEADLINE_MS / 60_000} minutes; giving up`);
  process.exit(2);
}, DEADLINE_MS);
deadline.unref();

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

type Events = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>;

/**
 * BENCH_TRACE=1: where a button's time goes. The last /integrar run's history events in ms from its start,
 * then the p50 and mean of each segment over every sample (server timestamps), and of what the API adds around the run.
 */
async function traceRuns(client: Awaited<ReturnType<typeof createIntegradorClient>>, workflowIds: string[], totals: number[]): Promise<void> {
  const at = (e: Events[number]) => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
  const segments = new Map<string, number[]>();
  const add = (name: string, ms: number | undefined) => {
    if (ms !== undefined && Number.isFinite(ms)) segments.set(name, [...(segments.get(name) ?? []), ms]);
  };
  let last: Events = [];
  const tasks: number[] = [];
  for (const [i, workflowId] of workflowIds.entries()) {
    const events = (await client.handle(workflowId).fetchHistory()).events ?? [];
    last = events;
    const first = (type: number) => events.find((e) => Number(e.eventType) === type);
    const all = (type: number) => events.filter((e) => Number(e.eventType) === type);
    const time = (e: Events[number] | undefined) => (e ? at(e) : NaN);
    const [t0, tEnd] = [time(events[0]), time(events.at(-1))];
    const started = all(6);
    const completed = all(7);
    add('first workflow task dispatched (start → task started)', time(started[0]) - t0);
    // since set-run-local-send a button's run is this one task: the local query and the local send
    add('first workflow task (local query, and local send)', time(completed[0]) - time(started[0]));
    add('activity dispatched (scheduled → started)', time(first(11)) - time(first(10)));
    add('activity (sendRecords)', time(first(12)) - time(first(11)));
    add('next workflow task dispatched (activity completed → task started)', time(started[1]) - time(first(12)));
    if (started.length > 1) add('last workflow task', time(completed.at(-1)) - time(started.at(-1)));
    tasks.push(started.length);
    add('run (started → completed)', tEnd - t0);
    add('API around the run (request time − run)', totals[i]! - (tEnd - t0));
  }
  const start = at(last[0]!);
  for (const e of last) log(`trace +${String(Math.round(at(e) - start)).padStart(4)} ms ${EVENT_NAMES[Number(e.eventType)] ?? String(e.eventType)}`);
  log(`trace workflow tasks per run: p50 ${percentile(tasks, 50)}, max ${Math.max(...tasks)}`);
  for (const [name, values] of segments)
    log(`trace p50 ${percentile(values, 50).toFixed(1).padStart(6)} ms mean ${(values.reduce((a, b) => a + b, 0) / values.length).toFixed(1)}  ${name}`);
}

/** The history event types a button's run has (temporal.api.enums.v1.EventType). */
const EVENT_NAMES: Record<number, string> = {
  1: 'WorkflowExecutionStarted',
  2: 'WorkflowExecutionCompleted',
  5: 'WorkflowTaskScheduled',
  6: 'WorkflowTaskStarted',
  7: 'WorkflowTaskCompleted',
  10: 'ActivityTaskScheduled',
  11: 'ActivityTaskStarted',
  12: 'ActivityTaskCompleted',
  25: 'MarkerRecorded',
  40: 'UpsertWorkflowSearchAttributes',
};
