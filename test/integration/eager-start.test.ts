// Eager workflow start (docs/delivery.md, "One record, fast"): the API of a `serve` that runs its own worker
// shares the worker's connection, so the server answers the start with the run's first workflow task for
// that worker. Real parts: the API on a port (startServer, as serve builds it), the worker in this process,
// the test Temporal dev server (DEV_SERVER_SETTINGS). An API without a local worker starts runs the plain
// way and a worker elsewhere (here the same one, through the task queue) runs them.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer, type RunningServer } from '../../src/api/server';
import type { AppConfig } from '../../src/config/types';
import type { RunResult } from '../../src/plan/types';
import { createIntegradorClient } from '../../src/temporal/client';
import { startSetEnv, TOKEN, type SetEnv } from './helpers/set-env';

const ask = (server: RunningServer, contaId: number) =>
  fetch(`${server.url}/integrar?base_crm=demo&empresa_id=1&integracao_servico_id=19&contaId=${contaId}`, { headers: { TOKEN_CRM: TOKEN } });

/** The access line of a run: written once the answer has gone, so it may lag the response a little. */
async function accessLine(dir: string, workflowId: string): Promise<Record<string, unknown>> {
  const file = join(dir, 'demo', 'empresa-1', 'access.log');
  for (let i = 0; i < 50; i++) {
    const lines = existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>)
      : [];
    const line = lines.find((l) => l.workflowId === workflowId && l.msg === 'integrar');
    if (line) return line;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no access line for ${workflowId} in ${file}`);
}

describe('eager workflow start', () => {
  let env: SetEnv;
  let dir: string;
  let config: AppConfig;

  before(async () => {
    env = await startSetEnv();
    dir = mkdtempSync(join(tmpdir(), 'integrador-eager-'));
    config = { ...env.config, logs: { ...env.config.logs, dir, level: 'info' } };
  });
  after(async () => {
    await env?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a client on the worker’s connection starts a run eagerly and gets its result; closing it leaves the worker’s connection open', async () => {
    const client = await createIntegradorClient(env.config.temporal, { workerConnection: env.worker.connection });
    const request = { base: 'demo', empresaId: 1, empresaFilialId: null, integracaoId: 19, params: { contaId: '1' } };
    const handle = await client.start(request);
    assert.equal(handle.eagerlyStarted, true, 'the dev server answers the start with the first workflow task');
    const result = (await handle.result()) as RunResult;
    assert.equal(result.success, true, result.message);
    assert.deepEqual(result.integrations[0]!.counts, { gravado: 1 });
    await client.close();
    // the worker still polls on its connection: a plain client's run completes
    const again = await env.client.run({ ...request, params: { contaId: '2' } });
    assert.equal(again.success, true, again.message);
  });

  test('serve’s API with its worker: /integrar starts the run eagerly and answers its result', async () => {
    const server = await startServer(config, { port: 0, host: '127.0.0.1', logger: false, workerConnection: env.worker.connection });
    try {
      const res = await ask(server, 3);
      const body = (await res.json()) as { success: boolean; workflowId: string; integrations: Array<{ status: string; records: Array<{ status: string }> }> };
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.equal(body.success, true);
      assert.equal(body.integrations[0]!.status, 'ok');
      assert.deepEqual(
        body.integrations[0]!.records.map((r) => r.status),
        ['gravado'],
      );
      const line = await accessLine(dir, body.workflowId);
      assert.equal(line.eager, true);
      assert.equal(line.status, 200);
    } finally {
      await server.close();
    }
    // the API closed its client, not the worker's connection
    assert.equal(env.worker.worker.getState(), 'RUNNING');
    const after = await env.client.run({ base: 'demo', empresaId: 1, empresaFilialId: null, integracaoId: 19, params: { contaId: '4' } });
    assert.equal(after.success, true, after.message);
  });

  test('an API without a local worker (serve --no-worker, separate processes) starts the plain way and still answers', async () => {
    const server = await startServer(config, { port: 0, host: '127.0.0.1', logger: false });
    try {
      const res = await ask(server, 5);
      const body = (await res.json()) as { success: boolean; workflowId: string; integrations: Array<{ status: string }> };
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.equal(body.success, true);
      assert.equal(body.integrations[0]!.status, 'ok');
      const line = await accessLine(dir, body.workflowId);
      assert.equal(line.eager, false);
    } finally {
      await server.close();
    }
  });
});
