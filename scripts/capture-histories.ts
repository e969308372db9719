// `npm run histories:capture`: records fresh workflow histories of the SET run for the replay tests.
// Run it on purpose after a deliberate workflow change (keep the old files: old runs must still replay):
// HISTORY_VERSION=v2 npm run histories:capture
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { startEmbeddedPostgres } from '../src/dev/embedded-postgres';
import { startTemporalDevServer } from '../src/dev/temporal-dev-server';
import { SET_RUN_WORKFLOW } from '../src/temporal/constants';

const VERSION = process.env.HISTORY_VERSION ?? 'v1';
const OUT = join(__dirname, '..', 'test', 'replay', 'histories');

async function main() {
  const [pg, temporal] = await Promise.all([startEmbeddedPostgres(), startTemporalDevServer()]);
  process.env.INTEGRADOR_TEST_PG_URL = pg.url;
  process.env.INTEGRADOR_TEST_TEMPORAL_ADDRESS = temporal.address;
  // imported after the variables are set, so the helpers use these services
  const { integrar, startSetEnv } = await import('../test/integration/helpers/set-env');
  const { addAccounts, addBatchIntegration, BATCH_INTEGRATION } = await import('../test/faults/helpers/accounts');
  // chunkSize 2: the large-run scenario sends five records in three chunks with a small history
  const env = await startSetEnv({ run: { chunkSize: 2, maxChunksInFlight: 2 } });
  const save = async (name: string, workflowId: string, runId?: string) => {
    const history = await env.client.temporal.workflow.getHandle(workflowId, runId).fetchHistory();
    const file = join(OUT, `set-run-${name}-${VERSION}.json`);
    writeFileSync(file, JSON.stringify({ workflowId, history: JSON.parse(historyToJSON(history)) }, null, 1) + '\n');
    console.log(file);
    return history;
  };
  try {
    const scenarios: Array<[string, Record<string, string | number>]> = [
      ['success', { contaId: 1 }],
      ['business-error', { contaId: 6 }],
      ['empty-query', { contaId: 99999 }],
    ];
    for (const [name, params] of scenarios) {
      const res = await integrar(env, { base_crm: 'demo', empresa_id: 1, integracao_servico_id: 19, ...params });
      console.log(res.statusCode);
      await save(name, res.json().workflowId);
    }

    // a large run in miniature: 3 chunks, 2 per execution → continue-as-new once; both executions saved
    await addBatchIntegration(env.crm);
    const range = await addAccounts(env.crm, 5);
    const request = {
      base: 'demo',
      empresaId: 1,
      empresaFilialId: null,
      integracaoId: BATCH_INTEGRATION,
      params: { de: String(range.first), ate: String(range.last) },
    };
    const handle = await env.client.temporal.workflow.start(SET_RUN_WORKFLOW, {
      taskQueue: env.taskQueue,
      workflowId: `set-demo-1-${BATCH_INTEGRATION}-large-run`,
      args: [request, { chunksPerExecution: 2 }],
    });
    await handle.result();
    let runId: string | undefined = handle.firstExecutionRunId;
    for (let part = 1; runId && part <= 5; part++) {
      const history = await save(`large-run-${part}`, handle.workflowId, runId);
      runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
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
