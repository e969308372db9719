// One transaction on one connection: BEGIN, the work, COMMIT (or ROLLBACK on any error), and the connection
// back to its pool. Written once so every caller rolls back and releases the same way.
import type { Pool, PoolClient } from 'pg';

export interface TransactionOptions {
  /** Appended to BEGIN, e.g. 'READ ONLY'. */
  mode?: string;
  /** Roll back even when the work succeeds: a check that must leave nothing behind. */
  rollback?: boolean;
  /**
   * Errors after which the connection is still sound (e.g. an SQL error in configured text). Any other error
   * discards the connection instead of returning it to the pool: it may be broken or mid-protocol.
   */
  keepsConnection?: (err: unknown) => boolean;
}

/**
 * Runs `work` in a transaction. Given a pool, it takes a connection and releases it; given a connection a
 * caller holds (a dedicated one), it uses it and leaves it open.
 */
export async function withTransaction<T>(db: Pool | PoolClient, work: (tx: PoolClient) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const held = isClient(db);
  const tx = held ? db : await db.connect();
  let broken: Error | undefined;
  try {
    await tx.query(options.mode ? `BEGIN ${options.mode}` : 'BEGIN');
    const result = await work(tx);
    await tx.query(options.rollback ? 'ROLLBACK' : 'COMMIT');
    return result;
  } catch (err) {
    await tx.query('ROLLBACK').catch(() => undefined);
    if (!options.keepsConnection?.(err)) broken = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    if (!held) tx.release(broken);
  }
}

function isClient(db: Pool | PoolClient): db is PoolClient {
  return typeof (db as PoolClient).release === 'function';
}
