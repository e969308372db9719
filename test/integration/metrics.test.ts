// Prometheus metrics on real runs: runs by outcome and records by status (reported by the workflow when a
// run finishes), receiver latency per connection, on the API's /metrics and on a worker's own port.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import type { RunResult } from '../../src/plan/types';
import { BASE_KEY, EMPRESA_KEY, INTEGRACAO_KEY } from '../../src/temporal/client';
import { SET_RUN_WORKFLOW } from '../../src/temporal/constants';
import { addAccounts, addBatchIntegration, BATCH_INTEGRATION } from '../faults/helpers/accounts';
import { integrar, startSetEnv, type SetEnv } from './helpers/set-env';

const ask = (contaId: number) => ({ base_crm: 'demo', empresa_id: 1, integracao_servico_id: 19, contaId });

/** The value of one sample line, e.g. integrador_runs_total{base="demo",...}. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.indexOf('}'));
    const parts = inside.split(',');
    if (wanted.every((w) => parts.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

async function eventually(fn: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('metrics', () => {
  let env: SetEnv;
  before(async () => {
    env = await startSetEnv({ worker: { metricsPort: 0 }, run: { chunkSize: 2, maxChunksInFlight: 2 }, seed: addBatchIntegration });
  });
  after(async () => {
    await env?.close();
  });

  test('GET /metrics counts runs by outcome, records by status, and times each send per connection', async () => {
    assert.equal((await integrar(env, ask(1))).statusCode, 200);
    assert.equal((await integrar(env, ask(6))).statusCode, 502);
    await eventually(async () => {
      const res = await env.app.inject({ method: 'GET', url: '/metrics' });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /text\/plain/);
      const text = res.body;
      assert.equal(sample(text, 'integrador_runs_total', { base: 'demo', integracao: '19', outcome: 'success' }), 1);
      assert.equal(sample(text, 'integrador_runs_total', { base: 'demo', integracao: '19', outcome: 'failed' }), 1);
      assert.equal(sample(text, 'integrador_records_total', { base: 'demo', integracao: '19', status: 'gravado' }), 1);
      assert.equal(sample(text, 'integrador_records_total', { base: 'demo', integracao: '19', status: 'erro' }), 1);
      // a business error is still an answered call: both sends ended ok at the transport level
      assert.equal(sample(text, 'integrador_send_duration_seconds_count', { base: 'demo', connection: 'g5', type: 'WS' }), 2);
      assert.ok((sample(text, 'integrador_send_duration_seconds_sum', { base: 'demo', connection: 'g5', type: 'WS' }) ?? 0) > 0);
      assert.ok((sample(text, 'integrador_http_requests_total', { route: '/integrar', status: '200' }) ?? 0) >= 1);
      assert.match(text, /integrador_process_resident_memory_bytes/);
    });
  });

  test('a worker given a metrics port serves the same metrics there', async () => {
    assert.ok(env.worker.metricsUrl, 'metrics url');
    const res = await fetch(env.worker.metricsUrl!);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.ok((sample(text, 'integrador_runs_total', { base: 'demo', outcome: 'success' }) ?? 0) >= 1);
    assert.equal((await fetch(env.worker.metricsUrl!.replace('/metrics', '/other'))).status, 404);
  });

  test('the metrics interceptor replays cleanly and a replay counts nothing', async () => {
    const before = await (await fetch(env.worker.metricsUrl!)).text();
    const runs = sample(before, 'integrador_runs_total', { base: 'demo', outcome: 'success' });
    const { Worker } = await import('@temporalio/worker');
    const { workflowBundle } = await import('../../src/worker');
    const res = await integrar(env, ask(2));
    const { workflowId } = res.json();
    await eventually(async () => {
      const now = await (await fetch(env.worker.metricsUrl!)).text();
      assert.equal(sample(now, 'integrador_runs_total', { base: 'demo', outcome: 'success' }), (runs ?? 0) + 1);
    });
    const history = await env.client.handle(workflowId).fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowId);
    const after = await (await fetch(env.worker.metricsUrl!)).text();
    assert.equal(sample(after, 'integrador_runs_total', { base: 'demo', outcome: 'success' }), (runs ?? 0) + 1);
  });

  test('a run that continues as new is counted once, by its outcome, never as an error', async () => {
    const range = await addAccounts(env.crm, 5);
    const handle = await env.client.temporal.workflow.start(SET_RUN_WORKFLOW, {
      taskQueue: env.taskQueue,
      workflowId: `set-demo-1-${BATCH_INTEGRATION}-metrics-${randomBytes(6).toString('hex')}`,
      // 5 records in chunks of 2, one chunk per execution: three executions, two of them continuing as new
      args: [
        { base: 'demo', empresaId: 1, empresaFilialId: null, integracaoId: BATCH_INTEGRATION, params: { de: String(range.first), ate: String(range.last) } },
        { chunksPerExecution: 1 },
      ],
      typedSearchAttributes: [
        { key: BASE_KEY, value: 'demo' },
        { key: EMPRESA_KEY, value: 1 },
        { key: INTEGRACAO_KEY, value: BATCH_INTEGRATION },
      ],
    });
    const result = (await handle.result()) as RunResult;
    assert.equal(result.success, true, result.message);
    assert.notEqual((await handle.describe()).runId, handle.firstExecutionRunId, 'the run continued as new');
    const labels = { base: 'demo', integracao: String(BATCH_INTEGRATION) };
    await eventually(async () => {
      const text = await (await fetch(env.worker.metricsUrl!)).text();
      assert.equal(sample(text, 'integrador_runs_total', { ...labels, outcome: 'success' }), 1);
      assert.equal(sample(text, 'integrador_records_total', { ...labels, status: 'gravado' }), 5);
    });
    const text = await (await fetch(env.worker.metricsUrl!)).text();
    assert.equal(sample(text, 'integrador_runs_total', { ...labels, outcome: 'error' }), undefined);
  });
});
