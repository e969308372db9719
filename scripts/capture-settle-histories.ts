// `npx tsx scripts/capture-settle-histories.ts`: records histories of the settlement workflow (confirmar,
// reenviar, descartar of an `incerto` record) for the replay tests. Run it on purpose after a deliberate
// change to workflows/settle-record.ts (keep the old files: old settlements must still replay):
// HISTORY_VERSION=v2 npx tsx scripts/capture-settle-histories.ts
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
  // imported after the variables are set, so the helpers use these services
  const { integrar, startSetEnv, TOKEN } = await import('../test/integration/helpers/set-env');
  const env = await startSetEnv();
  try {
    const scenarios: Array<[string, number, Record<string, unknown>]> = [
      ['confirm', 1, { acao: 'confirmar', valores: { codCli: '7777' } }],
      ['resend', 2, { acao: 'reenviar' }],
      ['discard', 3, { acao: 'descartar', motivo: 'cadastrado à mão' }],
    ];
    for (const [name, contaId, body] of scenarios) {
      env.receiver.setBehaviour({ failWith: 'dropConnection', failTimes: 1 });
      const run = await integrar(env, { base_crm: 'demo', empresa_id: 1, integracao_servico_id: 19, contaId });
      const res = await env.app.inject({
        method: 'POST',
        url: `/execucoes/${run.json().workflowId}/integracoes/19/registros/${contaId}?base_crm=demo`,
        headers: { TOKEN_CRM: TOKEN, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
      console.log(name, res.statusCode);
      const workflowId = res.json().settlementWorkflowId as string;
      const history = await env.client.temporal.workflow.getHandle(workflowId).fetchHistory();
      const file = join(OUT, `settle-record-${name}-${VERSION}.json`);
      writeFileSync(file, JSON.stringify({ workflowId, history: JSON.parse(historyToJSON(history)) }, null, 1) + '\n');
      console.log(file);
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
