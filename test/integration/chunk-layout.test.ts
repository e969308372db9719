// A run's chunks on real parts: the first run.maxChunksInFlight chunks hold run.chunkSize records, the later
// ones run.laterChunkSize (activities/query-records.ts, chunkLayout). Witnesses: the ledger's chunk numbers,
// the run's sendRecords activities in its history, the receiver's count per account and the write-backs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addAccounts, addBatchIntegration, BATCH_INTEGRATION } from '../faults/helpers/accounts';
import { recordFacts } from '../faults/helpers/delivery-check';
import { startSetEnv, type SetEnv } from './helpers/set-env';

describe('chunk layout', () => {
  let env: SetEnv;
  before(async () => {
    env = await startSetEnv({ run: { chunkSize: 2, maxChunksInFlight: 2, laterChunkSize: 5 }, seed: addBatchIntegration });
  });
  after(async () => {
    await env?.close();
  });

  test('13 records: 2 chunks of 2, then chunks of 5 (5 and 4), each record sent and written back once', async () => {
    const range = await addAccounts(env.crm, 13);
    const result = await env.client.run({
      base: 'demo',
      empresaId: 1,
      empresaFilialId: null,
      integracaoId: BATCH_INTEGRATION,
      params: { de: String(range.first), ate: String(range.last) },
    });
    assert.equal(result.success, true, result.message);
    assert.equal(result.integrations[0]!.counts.gravado, 13);

    const { rows } = await env.crm.query(
      'SELECT lote, count(*)::int AS n, min(seq) AS first FROM integrador.envio WHERE execucao_id = $1 GROUP BY lote ORDER BY lote',
      [result.execucaoId],
    );
    assert.deepEqual(
      rows.map((r) => [r.lote, r.n, r.first]),
      [
        [0, 2, 0],
        [1, 2, 2],
        [2, 5, 4],
        [3, 4, 9],
      ],
    );
    const history = await env.client.handle(result.workflowId).fetchHistory();
    const sends = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendRecords');
    assert.equal(sends.length, 4, 'one sendRecords activity per chunk');

    const facts = await recordFacts(env.crm, env.receiver, result.execucaoId);
    assert.deepEqual(
      facts.map((f) => [f.status, f.received, f.gravacoes]),
      Array(13).fill(['gravado', 1, 1]),
    );
  });
});
