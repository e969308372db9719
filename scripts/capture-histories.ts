// `npm run histories:capture`: records fresh workflow histories of the SET run for the replay tests.
// Run it on purpose after a deliberate workflow change (keep the old files: old runs must still replay).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { startEmbeddedPostgres } from '../src/dev/embedded-postgres';
import { startTemporalDevServer } from '../src/dev/temporal-dev-server';

const VERSION = process.env.HISTORY_VERSION ?? 'v1';
const OUT = join(__dirname, '..', 'test', 'replay', 'histories');

async function main() {
  const [pg, temporal] = await Promise.all([startEmbeddedPostgres(), startTemporalDevServer()]);
  process.env.INTEGRADOR_TEST_PG_URL = pg.url;
  process.env.INTEGRADOR_TEST_TEMPORAL_ADDRESS = temporal.address;
  // imported after the variables are set, so the helper uses these services
  const { integrar, startSetEnv } = await import('../test/integration/helpers/set-env');
  const env = await startSetEnv();
  try {
    const scenarios: Array<[string, Record<string, string | number>]> = [
      ['success', { contaId: 1 }],
      ['business-error', { contaId: 6 }],
      ['empty-query', { contaId: 99999 }],
    ];
    for (const [name, params] of scenarios) {
      const res = await integrar(env, { base_crm: 'demo', empresa_id: 1, integracao_servico_id: 19, ...params });
      const { workflowId } = res.json();
      const history = await env.client.handle(workflowId).fetchHistory();
      const file = join(OUT, `set-run-${name}-${VERSION}.json`);
      writeFileSync(file, JSON.stringify({ workflowId, history: JSON.parse(historyToJSON(history)) }, null, 1) + '\n');
      console.log(`${res.statusCode} ${file}`);
    }
  } finally {
    await env.close();
    await Promise.all([pg.stop(), temporal.stop()]);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
