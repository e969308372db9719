// The ledger's hot statements (claims, write-back marks, `inalterado` marks) reach their records through
// the primary key, whatever the planner knows of integrador.envio. A base's first bulk load starts from a
// ledger analyzed empty; the planner guessed a set of records given as JSON at 100 rows and, with a ledger
// of up to some tens of thousands of rows, read it whole by a sequential scan on every group of claims.
// Witness: PostgreSQL's own counters of rows read by sequential scans of envio, on a real server.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Client, type Pool } from 'pg';
import { migrate } from '../../src/crm/migrate';
import { createPool } from '../../src/crm/pools';
import { createPgLedger } from '../../src/delivery/ledger-pg';
import type { Ledger, LedgerRecord, RunKey } from '../../src/delivery/ledger';
import { testServices } from '../helpers/services';

const services = testServices();

// Large enough that a sequential scan costs the planner more than the probes of a group (at a few thousand
// rows it rightly prefers reading the table), small enough to load in a moment.
const RECORDS = 20_000;
const SENT = 60;
const UNCHANGED = 20;

interface EnvioCounters {
  seqTupRead: number;
  updated: number;
}

/** The table's counters once every backend that changed it has reported (at its exit, after pool.end()). */
async function countersAfter(url: string, updates: number): Promise<EnvioCounters> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const deadline = Date.now() + 15_000; ;) {
      const { rows } = await client.query(
        `SELECT seq_tup_read::int AS seq, n_tup_upd::int AS upd FROM pg_stat_user_tables WHERE schemaname = 'integrador' AND relname = 'envio'`,
      );
      const counters = { seqTupRead: rows[0].seq, updated: rows[0].upd };
      if (counters.updated >= updates || Date.now() > deadline) return counters;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await client.end();
  }
}

/** A fresh base's ledger: its statistics those of an empty table, as after its migration. */
async function freshLedger(): Promise<string> {
  const url = await (await services).newDatabase('ledger_plans');
  await migrate(url);
  const setup = new Client({ connectionString: url });
  await setup.connect();
  await setup.query('VACUUM ANALYZE integrador.envio');
  await setup.end();
  return url;
}

const newRecords = (n: number) => Array.from({ length: n }, (_, seq) => ({ chave: `k${seq}`, seq, chunk: Math.floor(seq / 100), linha: { id: seq } }));

/** Claims `count` records of `records`, writes them back and marks the next `unchanged` ones inalterado, each group issued together. */
async function sendSome(ledger: Ledger, records: LedgerRecord[], count: number, unchanged = 0): Promise<void> {
  const sent = records.slice(0, count);
  // issued together: the group commit gathers them into a few statements of many records each
  const attempts = await Promise.all(sent.map((r) => ledger.claim(r, `<req ${r.chave}/>`, 'd')));
  assert.ok(
    attempts.every((a) => a === 1),
    `every record claimed once: ${JSON.stringify(attempts)}`,
  );
  const written = await Promise.all(
    sent.map((r) =>
      ledger.writeBack({ recordId: r.id, attempt: 1, sql: { text: 'SELECT $1::text', values: [r.chave] }, answer: { resposta: null, valores: {} } }),
    ),
  );
  assert.ok(written.every((w) => w.ok && !w.already));
  const marked = await Promise.all(records.slice(count, count + unchanged).map((r) => ledger.markUnchanged(r, 'd', '<req/>')));
  assert.ok(marked.every(Boolean));
}

describe('ledger statements on a ledger the planner knows nothing of', () => {
  const pools: Pool[] = [];
  const poolOf = (url: string, extra: Parameters<typeof createPool>[1]) => {
    const pool = createPool(url, extra);
    pools.push(pool);
    return pool;
  };
  after(async () => {
    for (const p of pools) if (!p.ended) await p.end();
  });

  it('claims, write-backs and inalterado marks of a group read no row by a sequential scan', async () => {
    const url = await freshLedger();
    const run: RunKey = { workflowId: 'set-plans', execucaoId: 'plans-1', integracaoId: 1 };
    const loader = poolOf(url, { max: 1 });
    await createPgLedger(loader, loader).insert(run, newRecords(RECORDS), 1);
    await loader.end();
    const before = await countersAfter(url, 0);

    const pool = poolOf(url, { max: 4 });
    const pipelined = poolOf(url, { pipeline: true, max: 2 });
    const ledger = createPgLedger(pool, pipelined);
    await sendSome(ledger, [...(await ledger.chunkRecords(run, 3)), ...(await ledger.chunkRecords(run, 4))], SENT, UNCHANGED);
    await Promise.all([pool.end(), pipelined.end()]);

    const updates = before.updated + 2 * SENT + UNCHANGED;
    const after = await countersAfter(url, updates);
    assert.equal(after.updated, updates, 'every claim and mark reported by the server');
    assert.equal(after.seqTupRead - before.seqTupRead, 0, `rows of envio read by sequential scans (the ledger holds ${RECORDS})`);
  });

  it('a session whose first claims met a nearly empty ledger still reaches the records by id once it has grown', async () => {
    const url = await freshLedger();
    // one session each for claims and write-backs, so the plans they keep were made on the first, tiny run
    const pool = poolOf(url, { max: 1 });
    const pipelined = poolOf(url, { pipeline: true, max: 1 });
    const ledger = createPgLedger(pool, pipelined);
    const tiny: RunKey = { workflowId: 'set-plans', execucaoId: 'plans-tiny', integracaoId: 1 };
    await ledger.insert(tiny, newRecords(10), 1);
    // several groups: a prepared statement's plan becomes the session's own after five uses
    for (let i = 0; i < 10; i++) await sendSome(ledger, (await ledger.chunkRecords(tiny, 0)).slice(i, i + 1), 1);
    const bulk: RunKey = { workflowId: 'set-plans', execucaoId: 'plans-bulk', integracaoId: 1 };
    await ledger.insert(bulk, newRecords(RECORDS), 1);
    const records = await ledger.chunkRecords(bulk, 5);
    for (let i = 0; i < 6; i++) await sendSome(ledger, records.slice(i * 10, i * 10 + 10), 10);
    await Promise.all([pool.end(), pipelined.end()]);

    const updates = 2 * 10 + 2 * 60;
    const after = await countersAfter(url, updates);
    assert.equal(after.updated, updates, 'every claim and mark reported by the server');
    // the tiny run's own statements may read its 10 rows whole; none may read the grown ledger
    assert.ok(after.seqTupRead <= 10 * 20, `rows of envio read by sequential scans: ${after.seqTupRead} (the ledger holds ${RECORDS + 10})`);
  });
});
