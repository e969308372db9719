// Several statements on one connection in one round trip, when its client pipelines (pg's `pipeline: true`,
// see createCrmPools): every statement is written at once (one socket write) and the answers are read as
// they come, in order. On a client that does not pipeline they run one after the other, with the same result.
import type { Client, Pool, PoolClient, QueryConfig, QueryResult } from 'pg';
import { sqlFailureOf } from '../sqlstate';

/** SQLSTATE of a statement refused because an earlier one of its transaction failed. */
const IN_FAILED_TRANSACTION = '25P02';

/**
 * Sends `queries` on `client` and returns their results in order. When one fails, the first failure (not
 * the "transaction is aborted" refusals that follow it) is thrown, after every answer has arrived, so the
 * connection is never left mid-protocol.
 */
export async function sendTogether(client: PoolClient, queries: QueryConfig[]): Promise<QueryResult[]> {
  const settled = await sendEach(client, queries);
  const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as { code?: string });
  if (failures.length) throw failures.find((e) => e?.code !== IN_FAILED_TRANSACTION) ?? failures[0];
  return settled.map((s) => (s as PromiseFulfilledResult<QueryResult>).value);
}

/** Sends `queries` on `client`; each settles on its own (independent statements, or a transaction's). */
async function sendEach(client: PoolClient, queries: QueryConfig[]): Promise<Array<PromiseSettledResult<QueryResult>>> {
  if (!(client as unknown as Client).pipeline) {
    const results: Array<PromiseSettledResult<QueryResult>> = [];
    for (const q of queries)
      results.push(
        await client.query(q).then(
          (value) => ({ status: 'fulfilled' as const, value }),
          (reason: unknown) => ({ status: 'rejected' as const, reason }),
        ),
      );
    return results;
  }
  const stream = (client as unknown as Client).connection.stream;
  stream.cork(); // the statements leave in one write
  let pending: Array<Promise<QueryResult>>;
  try {
    pending = queries.map((q) => client.query(q));
  } finally {
    stream.uncork();
  }
  return Promise.allSettled(pending);
}

export interface QueryBatcher {
  query(q: QueryConfig): Promise<QueryResult>;
}

/**
 * Read-only statements issued in the same turn of the event loop (a batch's records mapping their lookups
 * at once) go out together on one pipelining connection: one write and one round trip for all of them,
 * at most `maxBatch` per connection. Each statement keeps its own result or error.
 */
export function createQueryBatcher(pool: Pool, maxBatch = 200): QueryBatcher {
  let queue: Array<{ q: QueryConfig; resolve: (r: QueryResult) => void; reject: (e: unknown) => void }> = [];
  const flush = async (batch: typeof queue) => {
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      for (const b of batch) b.reject(err);
      return;
    }
    let broken: Error | undefined;
    try {
      const settled = await sendEach(
        client,
        batch.map((b) => b.q),
      );
      settled.forEach((s, i) => (s.status === 'fulfilled' ? batch[i]!.resolve(s.value) : batch[i]!.reject(s.reason)));
      // an error the server answered for one statement leaves the connection sound; any other may not
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected' && !sqlFailureOf(s.reason));
      if (failed) broken = failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
    } catch (err) {
      for (const b of batch) b.reject(err);
      broken = err instanceof Error ? err : new Error(String(err));
    } finally {
      client.release(broken);
    }
  };
  const drain = () => {
    const taken = queue;
    queue = [];
    for (let at = 0; at < taken.length; at += maxBatch) void flush(taken.slice(at, at + maxBatch));
  };
  return {
    query: (q) =>
      new Promise<QueryResult>((resolve, reject) => {
        if (!queue.length) setImmediate(drain);
        queue.push({ q, resolve, reject });
      }),
  };
}
