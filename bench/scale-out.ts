// Scale-out: one large run against a receiver that takes BENCH_SCALE_DELAY_MS (200) per call, first with one
// worker process (`integrador worker`), then with three, each a process of its own on the same task queue.
// Prints `scale_speedup=<one worker time ÷ three workers time>`. `npm run bench` runs it before
// set-throughput.ts, so the line comes before the final `ratio=`.
// By default it is issue #14's run at the product's defaults: 600 records, the connection's default
// `concurrency` (4, per process) and the default `run` section (nothing set in the file).
// Knobs (environment): BENCH_SCALE_RECORDS (600), BENCH_SCALE_CONCURRENCY (4), BENCH_SCALE_DELAY_MS (200);
// unset unless given, so the schema's defaults apply: BENCH_SCALE_CHUNK (run.chunkSize),
// BENCH_SCALE_CHUNKS_IN_FLIGHT (run.maxChunksInFlight), BENCH_SCALE_CHUNKS_PER_WORKER (run.chunksPerWorker).
import { connectionFileSchema } from '../src/config/schema';
import { startEmbeddedPostgres } from '../src/dev/embedded-postgres';
import { startTemporalDevServer } from '../src/dev/temporal-dev-server';
import type { RunResult } from '../src/plan/types';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const RECORDS = num('BENCH_SCALE_RECORDS', 600);
const CONCURRENCY = num('BENCH_SCALE_CONCURRENCY', 4);
const DELAY_MS = num('BENCH_SCALE_DELAY_MS', 200);
/** When the one-record run starts, after the bulk run's start. */
const BUTTON_AFTER_MS = 3_000;
const knobs = { chunkSize: 'BENCH_SCALE_CHUNK', maxChunksInFlight: 'BENCH_SCALE_CHUNKS_IN_FLIGHT', chunksPerWorker: 'BENCH_SCALE_CHUNKS_PER_WORKER' };
/** The `run` section written to the file: only the knobs given. */
const RUN = Object.fromEntries(Object.entries(knobs).flatMap(([key, name]) => (process.env[name] ? [[key, Number(process.env[name])]] : [])));
/** What the worker will use: the file's values over the schema's defaults. */
const EFFECTIVE = { ...connectionFileSchema.shape.run.parse(undefined), ...RUN };

async function main() {
  const [pg, temporal] = await Promise.all([startEmbeddedPostgres(), startTemporalDevServer()]);
  process.env.INTEGRADOR_TEST_PG_URL = pg.url;
  process.env.INTEGRADOR_TEST_TEMPORAL_ADDRESS = temporal.address;
  // imported after the variables are set, so the helpers use these services
  const { startFaultEnv, spawnWorker } = await import('../test/faults/helpers/fault-env');
  const env = await startFaultEnv({
    records: RECORDS,
    connection: { concurrency: CONCURRENCY, timeoutMs: 30_000 },
    run: RUN,
  });
  try {
    env.receiver.setBehaviour({ delayMs: DELAY_MS });
    console.log(
      `scale: ${RECORDS} records, receiver ${DELAY_MS} ms per call, concurrency ${CONCURRENCY} per process, run ${JSON.stringify(EFFECTIVE)}${Object.keys(RUN).length ? ' (set: ' + Object.keys(RUN).join(', ') + ')' : ' (defaults)'}`,
    );
    /** A CRM button's kind of run: one record, one chunk (eager, on the main queue), timed to its result. */
    const button = async (): Promise<number> => {
      const t = performance.now();
      const result = (await (await env.startRun({ de: env.accounts.last, ate: env.accounts.last })).result()) as RunResult;
      if (!result.success) throw new Error(`one-record run failed: ${result.message}`);
      return performance.now() - t;
    };
    const timeWith = async (workers: number): Promise<number> => {
      const started = await Promise.all(Array.from({ length: workers }, () => spawnWorker(env.configFile)));
      try {
        const idle = await button();
        const t = performance.now();
        const handle = await env.startRun();
        // a button pressed while the bulk run is sending: it must not wait for a chunk to end
        const during = new Promise((r) => setTimeout(r, BUTTON_AFTER_MS)).then(button);
        const result = (await handle.result()) as RunResult;
        const ms = performance.now() - t;
        // which worker ran each chunk (the activity task's started event names the worker)
        const events = (await handle.fetchHistory()).events ?? [];
        const sends = new Set(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendRecords').map((e) => String(e.eventId)));
        const by = new Map<string, number>();
        for (const e of events) {
          const attrs = e.activityTaskStartedEventAttributes;
          if (attrs?.identity && sends.has(String(attrs.scheduledEventId))) by.set(attrs.identity, (by.get(attrs.identity) ?? 0) + 1);
        }
        console.log(`scale: ${workers} worker(s): chunks per worker ${JSON.stringify(Object.fromEntries(by))}`);
        if (!result.success) throw new Error(`run with ${workers} worker(s) failed: ${result.message}`);
        console.log(`scale: ${workers} worker(s): ${RECORDS} records in ${(ms / 1000).toFixed(1)} s`);
        console.log(`scale: ${workers} worker(s): a one-record run ${(await during).toFixed(0)} ms during the bulk run (${idle.toFixed(0)} ms idle)`);
        return ms;
      } finally {
        await Promise.all(started.map((w) => w.stop()));
      }
    };
    const one = await timeWith(1);
    const three = await timeWith(3);
    console.log(`scale_speedup=${(one / three).toFixed(2)}`);
  } finally {
    await env.close();
    await Promise.all([temporal.stop(), pg.stop()]);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
