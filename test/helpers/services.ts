// Real services for integration tests: the ones `npm test` started (through environment variables), or,
// when a file is run on its own, a private embedded PostgreSQL and Temporal dev server stopped at the end.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/dev/embedded-postgres';
import { startTemporalDevServer } from '../../src/dev/temporal-dev-server';

export interface TestServices {
  temporalAddress: string;
  /** Creates a fresh, empty database and returns its URL. */
  newDatabase(prefix?: string): Promise<string>;
}

let services: Promise<TestServices> | undefined;

export function testServices(): Promise<TestServices> {
  services ??= start();
  return services;
}

// Not node:test's after(): registered inside a before hook, it would run as soon as that hook ends.
function stopAtExit(stop: () => Promise<void>) {
  process.once('beforeExit', () => void stop());
}

async function start(): Promise<TestServices> {
  let pgUrl = process.env.INTEGRADOR_TEST_PG_URL;
  let temporalAddress = process.env.INTEGRADOR_TEST_TEMPORAL_ADDRESS;
  if (!pgUrl) {
    const pg = await startEmbeddedPostgres();
    stopAtExit(() => pg.stop());
    pgUrl = pg.url;
  }
  if (!temporalAddress) {
    const temporal = await startTemporalDevServer();
    stopAtExit(() => temporal.stop());
    temporalAddress = temporal.address;
  }
  const maintenanceUrl = pgUrl;
  return {
    temporalAddress,
    async newDatabase(prefix = 'test') {
      const name = `${prefix}_${randomBytes(5).toString('hex')}`.toLowerCase();
      const client = new Client({ connectionString: maintenanceUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      const url = new URL(maintenanceUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
  };
}
