// A connection's limits across every worker process of the deployment (`scope: deployment`), kept in the
// base's CRM PostgreSQL, which every worker already reaches:
// - concurrency: `concurrency` slots, each a session-level advisory lock (hashtext of the connection, slot
//   number) held by a session of this limiter's own pool while its call is in flight. A worker that dies
//   loses its sessions and PostgreSQL frees their locks: there is no lease to expire and nothing to clean.
// - ratePerSecond: one row per connection (integrador.limite_taxa) holding when the next call may start
//   (GCRA); each call moves it one interval on, in one UPDATE, and sleeps until its own start.
// The process's own limiter stays in front, so one process never asks for more than `concurrency` slots.
// A call is never made without its slot: when PostgreSQL cannot be reached, or no slot frees within
// `maxWaitMs`, run() fails with a retryable TransportError before the task starts (nothing was sent).
import type { Pool, PoolClient } from 'pg';
import { createPool } from '../crm/pools';
import { TransportError } from '../errors';
import { createLimiter, type Limiter } from './limiter';

export interface DeploymentLimiterOptions {
  base: string;
  connection: string;
  /** The base's CRM database: a direct PostgreSQL session (a transaction pooler would drop the locks). */
  database: string;
  concurrency: number;
  ratePerSecond?: number;
  /** How long a call may wait for a free slot before its attempt fails, retryably (default 5 minutes). */
  maxWaitMs?: number;
  /** One blocking wait on a busy slot lasts at most this long before every slot is tried again (default 1 s). */
  roundMs?: number;
}

export interface DeploymentLimiter extends Limiter {
  /** Ends waits (their calls fail retryably, unsent) and the pool; calls in flight keep their slot to the end. */
  close(): Promise<void>;
}

export const DEPLOYMENT_WAIT_MS = 5 * 60_000;
const ROUND_MS = 1_000;
const LOCK_NOT_AVAILABLE = '55P03';

// Stops at the first slot it gets (LIMIT 1 over a lazily filtered series): one lock per call, never more.
const TRY_ANY_SLOT = 'SELECT s AS slot FROM generate_series(0, $2::int - 1) AS s WHERE pg_try_advisory_lock(hashtext($1), s) LIMIT 1';
// Queues behind the slot's holder; PostgreSQL grants in order and a later try_lock of that slot fails while
// someone waits, so a busy process cannot take every freed slot from the others. Bounded by lock_timeout.
const WAIT_FOR_SLOT = 'SELECT pg_advisory_lock(hashtext($1), $2::int)';
const GIVE_BACK = 'SELECT pg_advisory_unlock(hashtext($1), $2::int)';
// GCRA: this call starts at max(next, now); the next one an interval later. Returns how long to sleep.
const TAKE_START = `
  INSERT INTO integrador.limite_taxa AS t (base, conexao, proxima_em)
  VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3::float8))
  ON CONFLICT (base, conexao) DO UPDATE SET proxima_em = greatest(t.proxima_em, clock_timestamp()) + make_interval(secs => $3::float8)
  RETURNING (extract(epoch FROM t.proxima_em - clock_timestamp()) * 1000 - $3::float8 * 1000)::float8 AS wait_ms`;

export function createDeploymentLimiter(opts: DeploymentLimiterOptions): DeploymentLimiter {
  const who = `connection ${opts.connection} of base ${opts.base}`;
  const lockName = `integrador.limite:${JSON.stringify([opts.base, opts.connection])}`;
  const maxWaitMs = opts.maxWaitMs ?? DEPLOYMENT_WAIT_MS;
  const local = createLimiter({ concurrency: opts.concurrency });
  const pool: Pool = createPool(opts.database, {
    // the process's limiter admits at most `concurrency` calls, each holding one session
    max: opts.concurrency,
    application_name: 'integrador-limits',
    connectionTimeoutMillis: 10_000,
    query_timeout: (opts.roundMs ?? ROUND_MS) + 10_000,
    lock_timeout: opts.roundMs ?? ROUND_MS,
    keepAlive: true,
    // a worker host that vanishes (no FIN) is noticed by the server within about 30 s, freeing its slots;
    // the rate's row needs no durable commit
    options: '-c tcp_keepalives_idle=15 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3 -c synchronous_commit=off',
  });
  // a held session that breaks between queries must not crash the process: its next query fails instead
  pool.on('connect', (client) => client.on('error', () => undefined));
  const stopping = new AbortController();

  const unavailable = (err: unknown) =>
    err instanceof TransportError
      ? err
      : new TransportError(`${who}: the deployment-wide limit could not be checked (${(err as Error).message}); nothing was sent`, true);

  async function takeSlot(client: PoolClient): Promise<number> {
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      if (stopping.signal.aborted) throw new TransportError(`${who}: the worker is stopping; nothing was sent`, true);
      const free = await client.query<{ slot: number }>(TRY_ANY_SLOT, [lockName, opts.concurrency]);
      if (free.rows[0]) return free.rows[0].slot;
      if (Date.now() >= deadline) {
        throw new TransportError(`${who}: no slot of ${opts.concurrency} free across the deployment within ${maxWaitMs} ms; nothing was sent`, true);
      }
      const slot = Math.floor(Math.random() * opts.concurrency);
      try {
        await client.query(WAIT_FOR_SLOT, [lockName, slot]);
        return slot;
      } catch (err) {
        if ((err as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw err;
      }
    }
  }

  async function pace(client: PoolClient): Promise<void> {
    if (!opts.ratePerSecond) return;
    const res = await client.query<{ wait_ms: number }>(TAKE_START, [opts.base, opts.connection, 1 / opts.ratePerSecond]);
    const wait = Number(res.rows[0]!.wait_ms);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
  }

  async function giveBack(client: PoolClient, slot: number): Promise<void> {
    try {
      await client.query(GIVE_BACK, [lockName, slot]);
      client.release();
    } catch (err) {
      client.release(err as Error); // the session is closed, and PostgreSQL frees what it held
    }
  }

  return {
    run(task, options) {
      return local.run(async () => {
        let client: PoolClient;
        let slot: number;
        try {
          client = await pool.connect();
        } catch (err) {
          throw unavailable(err);
        }
        try {
          slot = await takeSlot(client);
        } catch (err) {
          client.release(err as Error); // a session left waiting in PostgreSQL's lock queue must not get a slot
          throw unavailable(err);
        }
        try {
          try {
            await pace(client);
          } catch (err) {
            throw unavailable(err);
          }
          return await task();
        } finally {
          await giveBack(client, slot);
        }
      }, options);
    },
    async close() {
      stopping.abort();
      await pool.end();
    },
  };
}
