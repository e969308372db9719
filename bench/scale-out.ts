// Scale-out: one large run against a receiver that takes BENCH_SCALE_DELAY_MS (200) per call, first with one
// worker process (`integrador worker`), then with three, each a process of its own on the same task queue.
// Prints `scale_speedup=<one worker time ÷ three workers time>`. `npm run bench` runs it before
// set-throughput.ts, so the line comes before the final `ratio=`.
// Knobs (environment): BENCH_SCALE_RECORDS (240), BENCH_SCALE_CHUNK (40), BENCH_SCALE_CHUNKS_IN_FLIGHT (4),
// BENCH_SCALE_CONCURRENCY (4, the connection's, per process), BENCH_SCALE_DELAY_MS (200),
// BENCH_SCALE_CHUNKS_PER_WORKER (1: run.chunksPerWorker).
import { startEmbeddedPostgres } from '../src/dev/embedded-postgres';
import { startTemporalDevServer } from '../src/dev/temporal-dev-server';
import type { RunResult } from '../src/plan/types';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const RECORDS = num('BENCH_SCALE_RECORDS', 240);
const CHUNK = num('BENCH_SCALE_CHUNK', 40);
const IN_FLIGHT = num('BENCH_SCALE_CHUNKS_IN_FLIGHT', 4);
const CONCURRENCY = num('BENCH_SCALE_CONCURRENCY', 4);
const DELAY_MS = num('BENCH_SCALE_DELAY_MS', 200);
const PER_WORKER = num('BENCH_SCALE_CHUNKS_PER_WORKER', 1);

async function main() {
  const [pg, temporal] = await Promise.all([startEmbeddedPostgres(), startTemporalDevServer()]);
  process.env.INTEGRADOR_TEST_PG_URL = pg.url;
  process.env.INTEGRADOR_TEST_TEMPORAL_ADDRESS = temporal.address;
  // imported after the variables are set, so the helpers use these services
  const { startFaultEnv, spawnWorker } = await import('../test/faults/helpers/fault-env');
  const env = await startFaultEnv({
    records: RECORDS,
    connection: { concurrency: CONCURRENCY, timeoutMs: 30_000 },
    run: { chunkSize: CHUNK, maxChunksInFlight: IN_FLIGHT, chunksPerWorker: PER_WORKER },
  });
  try {
    env.receiver.setBehaviour({ delayMs: DELAY_MS });
    console.log(
      `scale: ${RECORDS} records, receiver ${DELAY_MS} ms per call, concurrency ${CONCURRENCY} per process, chunkSize ${CHUNK}, maxChunksInFlight ${IN_FLIGHT}, chunksPerWorker ${PER_WORKER}`,
    );
    const timeWith = async (workers: number): Promise<number> => {
      const started = await Promise.all(Array.from({ length: workers }, () => spawnWorker(env.configFile)));
      try {
        const t = performance.now();
        const handle = await env.startRun();
        const result = (await handle.result()) as RunResult;
        const ms = performance.now() - t;
        // which worker ran each chunk (the activity task's started event names the worker)
        const events = (await handle.fetchHistory()).events ?? [];
        const by = new Map<string, number>();
        for (const e of events) {
          const identity = e.activityTaskStartedEventAttributes?.identity;
          if (identity) by.set(identity, (by.get(identity) ?? 0) + 1);
        }
        console.log(`scale: ${workers} worker(s): chunks per worker ${JSON.stringify(Object.fromEntries(by))}`);
        if (!result.success) throw new Error(`run with ${workers} worker(s) failed: ${result.message}`);
        console.log(`scale: ${workers} worker(s): ${RECORDS} records in ${(ms / 1000).toFixed(1)} s`);
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
