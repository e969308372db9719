// The ledger's hot statements (claims, write-back marks, `inalterado` marks) reach their records through
// the primary key, whatever the planner knows of integrador.envio. A base's first bulk load starts from a
// ledger analyzed empty; the planner guessed a set of records given as JSON at 100 rows and, with a ledger
// of up to some tens of thousands of rows, read it whole by a sequential scan on every group of claims.
// Witness: PostgreSQL's own counters of rows read by sequential scans of envio, on a real server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, type Pool } from 'pg';
import { migrate } from '../../src/crm/migrate';
import { createPool } from '../../src/crm/pools';
import { createPgLedger } from '../../src/delivery/ledger-pg';
import type { RunKey } from '../../src/delivery/ledger';
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

describe('ledger statements on a ledger the planner knows nothing of', () => {
  let url: string;
  let pool: Pool;
  let pipelined: Pool;
  const run: RunKey = { workflowId: 'set-plans', execucaoId: 'plans-1', integracaoId: 1 };

  before(async () => {
    url = await (await services).newDatabase('ledger_plans');
    await migrate(url);
    const setup = new Client({ connectionString: url });
    await setup.connect();
    // as on a fresh base: statistics of an empty ledger, then a first load fills it
    await setup.query('VACUUM ANALYZE integrador.envio');
    await setup.end();
    const loader = createPool(url, { max: 1 });
    const records = Array.from({ length: RECORDS }, (_, seq) => ({ chave: `k${seq}`, seq, chunk: Math.floor(seq / 100), linha: { id: seq } }));
    await createPgLedger(loader, loader).insert(run, records, 1);
    await loader.end();
    pool = createPool(url, { max: 4 });
    pipelined = createPool(url, { pipeline: true, max: 2 });
  });
  after(async () => {
    for (const p of [pool, pipelined]) if (p && !p.ended) await p.end();
  });

  it('claims, write-backs and inalterado marks of a group read no row by a sequential scan', async () => {
    const before = await countersAfter(url, 0);
    const ledger = createPgLedger(pool, pipelined);
    const records = [...(await ledger.chunkRecords(run, 3)), ...(await ledger.chunkRecords(run, 4))];
    const sent = records.slice(0, SENT);
    const unchanged = records.slice(SENT, SENT + UNCHANGED);
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
    const marked = await Promise.all(unchanged.map((r) => ledger.markUnchanged(r, 'd', '<req/>')));
    assert.ok(marked.every(Boolean));
    await Promise.all([pool.end(), pipelined.end()]);

    const updates = before.updated + 2 * SENT + UNCHANGED;
    const after = await countersAfter(url, updates);
    assert.equal(after.updated, updates, 'every claim and mark reported by the server');
    assert.equal(after.seqTupRead - before.seqTupRead, 0, `rows of envio read by sequential scans (the ledger holds ${RECORDS})`);
  });
});
