// withTransaction: BEGIN, COMMIT or ROLLBACK, and the connection back to its pool (or discarded after an
// error that may have broken it). A fake pool records the statements and the release.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '../../../src/crm/transaction';

function fakePool(failOn?: string) {
  const log: string[] = [];
  const client = {
    async query(text: string) {
      log.push(text);
      if (text === failOn) throw Object.assign(new Error(`failed: ${text}`), { code: '42601' });
      return { rows: [] };
    },
    release(err?: Error) {
      log.push(err ? `release(discard: ${err.message})` : 'release');
    },
  };
  const pool = {
    async connect() {
      log.push('connect');
      return client;
    },
  };
  return { log, pool: pool as unknown as Pool, client: client as unknown as PoolClient };
}

describe('withTransaction', () => {
  it('commits the work and releases the connection', async () => {
    const { log, pool } = fakePool();
    assert.equal(await withTransaction(pool, async (tx) => (await tx.query('UPDATE x'), 42)), 42);
    assert.deepEqual(log, ['connect', 'BEGIN', 'UPDATE x', 'COMMIT', 'release']);
  });

  it('rolls back on an error and discards the connection, unless the error keeps it', async () => {
    const broken = fakePool('UPDATE x');
    await assert.rejects(
      withTransaction(broken.pool, (tx) => tx.query('UPDATE x')),
      /failed: UPDATE x/,
    );
    assert.deepEqual(broken.log, ['connect', 'BEGIN', 'UPDATE x', 'ROLLBACK', 'release(discard: failed: UPDATE x)']);

    const kept = fakePool('UPDATE x');
    await assert.rejects(withTransaction(kept.pool, (tx) => tx.query('UPDATE x'), { keepsConnection: (err) => (err as { code?: string }).code === '42601' }));
    assert.deepEqual(kept.log.slice(-2), ['ROLLBACK', 'release']);
  });

  it('on a connection the caller holds: a rolled-back, read-only check, and the connection stays open', async () => {
    const { log, client } = fakePool();
    await withTransaction(client, (tx) => tx.query('SELECT 1'), { mode: 'READ ONLY', rollback: true });
    assert.deepEqual(log, ['BEGIN READ ONLY', 'SELECT 1', 'ROLLBACK']);
  });
});
