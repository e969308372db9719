// Statements sent together on a pipelining connection (src/crm/pipeline.ts), against a real PostgreSQL:
// results in order, a failure judged as the first real error, nothing of a failed transaction committed,
// lookups issued together sharing one connection, and one lookup's error left to that lookup only.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pool } from 'pg';
import { createQueryBatcher, sendTogether } from '../../src/crm/pipeline';
import { createPool } from '../../src/crm/pools';
import { testServices } from '../helpers/services';

const services = testServices();

describe('pipelined statements', () => {
  let pipelined: Pool;
  let plain: Pool;

  before(async () => {
    const url = await (await services).newDatabase('pipeline');
    pipelined = createPool(url, { pipeline: true, max: 2 });
    plain = createPool(url, { max: 2 });
    await plain.query('CREATE TABLE t (id integer PRIMARY KEY, v text NOT NULL)');
  });
  after(async () => {
    await Promise.all([pipelined?.end(), plain?.end()]);
  });

  for (const kind of ['pipelined', 'plain'] as const) {
    it(`sendTogether (${kind}): a transaction's results in order, and it commits`, async () => {
      const client = await (kind === 'pipelined' ? pipelined : plain).connect();
      try {
        const base = kind === 'pipelined' ? 100 : 200;
        const results = await sendTogether(client, [
          { text: 'BEGIN' },
          { text: 'INSERT INTO t VALUES ($1, $2) RETURNING id', values: [base + 1, 'a'] },
          { text: 'INSERT INTO t VALUES ($1, $2) RETURNING id', values: [base + 2, 'b'] },
          { text: 'COMMIT' },
        ]);
        assert.deepEqual(
          results.map((r) => r.command),
          ['BEGIN', 'INSERT', 'INSERT', 'COMMIT'],
        );
        assert.deepEqual(
          results.slice(1, 3).map((r) => r.rows[0].id),
          [base + 1, base + 2],
        );
      } finally {
        client.release();
      }
      const { rows } = await plain.query('SELECT count(*)::int AS n FROM t WHERE id IN ($1, $2)', [
        kind === 'pipelined' ? 101 : 201,
        kind === 'pipelined' ? 102 : 202,
      ]);
      assert.equal(rows[0].n, 2);
    });

    it(`sendTogether (${kind}): the first real error is thrown and nothing of the transaction is committed`, async () => {
      const client = await (kind === 'pipelined' ? pipelined : plain).connect();
      const id = kind === 'pipelined' ? 301 : 401;
      try {
        await assert.rejects(
          sendTogether(client, [
            { text: 'BEGIN' },
            { text: 'INSERT INTO t VALUES ($1, $2)', values: [id, 'kept?'] },
            { text: 'INSERT INTO t VALUES ($1, NULL)', values: [id + 1] }, // not null violation
            { text: 'INSERT INTO t VALUES ($1, $2)', values: [id + 2, 'after'] },
            { text: 'COMMIT' },
          ]),
          (err: { code?: string }) => err.code === '23502', // not 25P02, the refusals that follow it
        );
        await client.query('ROLLBACK'); // what callers do; harmless when the server already ended it
        // the connection is still usable, and not in a transaction
        assert.equal((await client.query('SELECT 1 AS one')).rows[0].one, 1);
      } finally {
        client.release();
      }
      const { rows } = await plain.query('SELECT count(*)::int AS n FROM t WHERE id BETWEEN $1 AND $2', [id, id + 2]);
      assert.equal(rows[0].n, 0);
    });
  }

  it('lookups issued together go out on one connection, each with its own result or error', async () => {
    const batcher = createQueryBatcher(pipelined);
    const pids = await Promise.all(Array.from({ length: 30 }, (_, i) => batcher.query({ text: 'SELECT pg_backend_pid() AS pid, $1::int AS i', values: [i] })));
    assert.deepEqual(
      pids.map((r) => r.rows[0].i),
      Array.from({ length: 30 }, (_, i) => i),
    );
    assert.equal(new Set(pids.map((r) => r.rows[0].pid)).size, 1, 'one connection for the whole batch');

    const mixed = await Promise.allSettled([
      batcher.query({ text: 'SELECT $1::int AS n', values: [1] }),
      batcher.query({ text: 'SELECT * FROM no_such_table' }),
      batcher.query({ text: 'SELECT $1::int AS n', values: [3] }),
    ]);
    assert.equal(mixed[0].status, 'fulfilled');
    assert.equal(mixed[1].status, 'rejected');
    assert.equal((mixed[1] as PromiseRejectedResult).reason.code, '42P01');
    assert.equal(mixed[2].status === 'fulfilled' && mixed[2].value.rows[0].n, 3);
    // and the connection goes on serving
    assert.equal((await batcher.query({ text: 'SELECT 7 AS n' })).rows[0].n, 7);
  });

  it('a batch larger than maxBatch is split over connections', async () => {
    const batcher = createQueryBatcher(pipelined, 10);
    const rows = await Promise.all(Array.from({ length: 25 }, (_, i) => batcher.query({ text: 'SELECT $1::int AS i', values: [i] })));
    assert.deepEqual(
      rows.map((r) => r.rows[0].i),
      Array.from({ length: 25 }, (_, i) => i),
    );
  });
});
