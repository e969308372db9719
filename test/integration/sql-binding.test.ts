// bindSql against a real PostgreSQL: hostile request parameters are data, never SQL. Every attack must leave
// the table exactly as it was (same rows, same checksum), and the legitimate queries must still work.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { Scope, bindSql } from '../../src/templating';
import { testServices } from '../helpers/services';

const ATTACKS = [
  '1 OR 1=1',
  "'; DROP TABLE contas; --",
  "1'; DELETE FROM contas; --",
  "' OR ''='",
  '1; UPDATE contas SET id_erp = NULL',
  '$1',
  '$$; DROP TABLE contas; $$',
  '#other#',
  '\\',
  "\\'; DROP TABLE contas; --",
  'São Paulo — ção 🚀',
];

const ROWS: Array<[number, string, string | null]> = [
  [1, 'Acme Ltda', null],
  [2, 'Beta SA', 'B-2'],
  [3, "O'Brien & Filhos", null],
  [4, 'Ação Verde', 'C-4'],
];

// Started at the top level: the helper registers its own `after` to stop what it started, and one
// registered from inside a hook would run as soon as that hook ends.
const services = testServices();

describe('bindSql on PostgreSQL', () => {
  let client: Client;

  before(async () => {
    client = new Client({ connectionString: await (await services).newDatabase('sql_binding') });
    await client.connect();
    await client.query('CREATE TABLE contas (id integer PRIMARY KEY, nome text NOT NULL, id_erp text)');
    for (const row of ROWS) await client.query('INSERT INTO contas (id, nome, id_erp) VALUES ($1, $2, $3)', row);
  });

  after(async () => {
    await client?.end();
  });

  const run = (sql: string, params: Record<string, unknown>) => {
    const bound = bindSql(sql, new Scope({ params: { other: 'NOT EXPANDED', ...params } }));
    return client.query(bound.text, bound.values);
  };

  /** Row count and a digest of every row, to prove a statement changed nothing it should not have. */
  const snapshot = async () => {
    const { rows } = await client.query(
      `SELECT count(*)::int AS count,
              md5(coalesce(string_agg(id || ':' || nome || ':' || coalesce(id_erp, '<null>'), '|' ORDER BY id), '')) AS digest
         FROM contas`,
    );
    return rows[0] as { count: number; digest: string };
  };

  /** Runs `fn`, which may be rejected by PostgreSQL for a bad value, and checks the table is unchanged. */
  const unchangedBy = async (fn: () => Promise<unknown>) => {
    const before = await snapshot();
    await fn().catch((err: { code?: string }) => {
      // 22P02: invalid input syntax (text into an integer). Any other error would hint at SQL being parsed.
      assert.equal(err.code, '22P02', `unexpected error ${String(err)}`);
    });
    assert.deepEqual(await snapshot(), before);
  };

  it('selects the requested account by id', async () => {
    const { rows } = await run('SELECT id, nome FROM contas WHERE id = #contaId#', { contaId: 2 });
    assert.deepEqual(rows, [{ id: 2, nome: 'Beta SA' }]);
  });

  it('selects by a quoted variable, the quotes absorbed', async () => {
    const { rows } = await run("SELECT id FROM contas WHERE id = '#contaId#'", { contaId: '3' });
    assert.deepEqual(rows, [{ id: 3 }]);
  });

  it('selects with LIKE on a concatenated literal, a quote in the value being data', async () => {
    assert.deepEqual((await run("SELECT id FROM contas WHERE nome LIKE '%#nome#%'", { nome: 'Brien' })).rows, [{ id: 3 }]);
    assert.deepEqual((await run("SELECT id FROM contas WHERE nome LIKE '%#nome#%'", { nome: "O'B" })).rows, [{ id: 3 }]);
    assert.deepEqual((await run("SELECT id FROM contas WHERE nome LIKE '%#nome#%'", { nome: 'ção' })).rows, [{ id: 4 }]);
  });

  it('reuses one parameter for two uses of the same variable', async () => {
    const { rows } = await run('SELECT id FROM contas WHERE id = #contaId# OR id = #contaId# + 1 ORDER BY id', { contaId: 1 });
    assert.deepEqual(rows, [{ id: 1 }, { id: 2 }]);
  });

  it('concatenates several variables inside one literal', async () => {
    const { rows } = await run("SELECT '(#ddd#) #fone#' AS fone", { ddd: 48, fone: '3333-4444' });
    assert.deepEqual(rows, [{ fone: '(48) 3333-4444' }]);
  });

  it('leaves comments, dollar quotes and E strings as PostgreSQL expects them', async () => {
    const { rows } = await run("SELECT $$#x#$$ AS d, E'a\\t#x#' AS e /* #y# */ -- #z#\n", { x: 'X' });
    assert.deepEqual(rows, [{ d: '#x#', e: 'a\tX' }]);
  });

  it('sends undefined as NULL', async () => {
    const { rows } = await run('SELECT id FROM contas WHERE id_erp IS NOT DISTINCT FROM #v# ORDER BY id', { v: undefined });
    assert.deepEqual(rows, [{ id: 1 }, { id: 3 }]);
  });

  it('writes back the captured code of one account', async () => {
    const result = await run('UPDATE contas SET id_erp = #codCli# WHERE id = #contaId#', { codCli: 1001, contaId: 1 });
    assert.equal(result.rowCount, 1);
    const { rows } = await client.query('SELECT id, id_erp FROM contas ORDER BY id');
    assert.deepEqual(rows, [
      { id: 1, id_erp: '1001' },
      { id: 2, id_erp: 'B-2' },
      { id: 3, id_erp: null },
      { id: 4, id_erp: 'C-4' },
    ]);
  });

  for (const attack of ATTACKS) {
    const label = JSON.stringify(attack);

    it(`finds no account and changes nothing for contaId ${label} (unquoted)`, async () => {
      await unchangedBy(async () => {
        const { rows } = await run('SELECT * FROM contas WHERE id = #contaId#', { contaId: attack });
        assert.deepEqual(rows, []);
      });
    });

    it(`finds no account and changes nothing for contaId ${label} (quoted)`, async () => {
      await unchangedBy(async () => {
        const { rows } = await run("SELECT * FROM contas WHERE id = '#contaId#'", { contaId: attack });
        assert.deepEqual(rows, []);
      });
    });

    it(`matches names literally for nome ${label} in LIKE '%…%'`, async () => {
      await unchangedBy(async () => {
        const { rows } = await run("SELECT * FROM contas WHERE nome LIKE '%#nome#%'", { nome: attack });
        assert.deepEqual(rows, []);
      });
    });

    it(`updates no account for contaId ${label}`, async () => {
      await unchangedBy(() => run("UPDATE contas SET id_erp = 'HACKED' WHERE id = #contaId#", { contaId: attack }));
    });

    it(`stores codCli ${label} verbatim in exactly one account`, async () => {
      const before = await snapshot();
      const result = await run("UPDATE contas SET id_erp = '#codCli#' WHERE id = #contaId#", { codCli: attack, contaId: 3 });
      assert.equal(result.rowCount, 1);
      const { rows } = await client.query('SELECT id, id_erp FROM contas ORDER BY id');
      assert.deepEqual(
        rows.map((row) => row.id),
        [1, 2, 3, 4],
      );
      assert.equal(rows[2].id_erp, attack);
      // Put it back: the rest of the suite compares checksums.
      await client.query('UPDATE contas SET id_erp = NULL WHERE id = 3');
      assert.deepEqual(await snapshot(), before);
    });
  }

  it('still has every account after all the attempts', async () => {
    const { rows } = await client.query('SELECT id, nome FROM contas ORDER BY id');
    assert.deepEqual(
      rows,
      ROWS.map(([id, nome]) => ({ id, nome })),
    );
  });
});
