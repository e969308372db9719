// Access and error logs per base and company, on real requests: one access line per /integrar, the
// worker's lines of the same run carry its workflow id, errors are logged whole, secrets never appear.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import { createRunLogs, type RunLogs } from '../../src/logging/run-logs';
import { G5_PASSWORD, startSetEnv, TOKEN, type SetEnv } from './helpers/set-env';

const ask = (contaId: number | string, extra: Record<string, string | number> = {}) =>
  `/integrar?${new URLSearchParams({ base_crm: 'demo', empresa_id: '1', integracao_servico_id: '19', contaId: String(contaId), ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, String(v)])) })}`;

function lines(file: string): Array<Record<string, any>> {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

function allText(dir: string): string {
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
  return walk(dir)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

describe('access and error logs', () => {
  let env: SetEnv;
  let dir: string;
  let workerLogs: RunLogs;
  let apiLogs: RunLogs;
  let app: FastifyInstance;
  const access = () => lines(join(dir, 'demo', 'empresa-1', 'access.log'));
  const errors = () => lines(join(dir, 'demo', 'empresa-1', 'error.log'));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'integrador-logs-'));
    const logConfig = { logs: { dir, level: 'info' as const }, secrets: [G5_PASSWORD], bases: { demo: {} as never } };
    workerLogs = createRunLogs(logConfig);
    env = await startSetEnv({ worker: { logs: workerLogs } });
    apiLogs = createRunLogs({ ...logConfig, secrets: env.config.secrets });
    app = buildApp({ config: { ...env.config, logs: { dir, level: 'info' as const } }, client: env.client, crm: env.pools, logs: apiLogs });
  });
  after(async () => {
    await app?.close();
    await env?.close();
    await apiLogs?.close();
    await workerLogs?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('one access line per /integrar with base, company, integration, status, time and workflow id; the worker lines carry the same id', async () => {
    const res = await app.inject({ method: 'GET', url: ask(1), headers: { TOKEN_CRM: TOKEN } });
    assert.equal(res.statusCode, 200, res.body);
    const { workflowId } = res.json();
    const mine = access().filter((l) => l.workflowId === workflowId);
    const api = mine.filter((l) => l.msg === 'integrar');
    assert.equal(api.length, 1);
    assert.equal(api[0]!.base, 'demo');
    assert.equal(api[0]!.empresa, 1);
    assert.equal(api[0]!.integracao, 19);
    assert.equal(api[0]!.status, 200);
    assert.equal(api[0]!.success, true);
    assert.equal(typeof api[0]!.ms, 'number');
    assert.equal(api[0]!.log, 'access');
    assert.ok(api[0]!.time, 'timestamp');
    const activities = mine.filter((l) => l.activity).map((l) => l.activity);
    // /integrar hands its checked plan to the run, so no loadPlan (docs/delivery.md, "One record, fast");
    // the query, a local activity, is logged like any other
    assert.deepEqual([...new Set(activities)].sort(), ['queryRecords', 'sendRecords']);
    const send = mine.find((l) => l.activity === 'sendRecords')!;
    assert.deepEqual(send.counts, { gravado: 1 });
    assert.equal(send.integracao, 19);
  });

  test('a failed run writes an error line with the workflow id and the refused record', async () => {
    const res = await app.inject({ method: 'GET', url: ask(6), headers: { TOKEN_CRM: TOKEN } });
    assert.equal(res.statusCode, 502, res.body);
    const { workflowId } = res.json();
    const line = errors().find((l) => l.workflowId === workflowId);
    assert.ok(line, 'error line');
    assert.equal(line.level, 50);
    assert.match(line.msg, /SET-WS-CONTAS/);
    assert.equal(line.failed[0].records[0].status, 'erro');
    assert.match(line.failed[0].records[0].message, /inválido/);
    assert.ok(access().some((l) => l.workflowId === workflowId && l.status === 502));
  });

  test('refused requests are logged as warnings; a base the file does not know never becomes a folder', async () => {
    const wrong = await app.inject({ method: 'GET', url: ask(4), headers: { TOKEN_CRM: 'not-the-token' } });
    assert.equal(wrong.statusCode, 401);
    const warn = errors().find((l) => l.status === 401);
    assert.ok(warn);
    assert.equal(warn.level, 40);
    assert.equal(warn.parameter, 'TOKEN_CRM');

    const res = await app.inject({
      method: 'GET',
      url: `/integrar?base_crm=${encodeURIComponent('../../evil')}&empresa_id=1&integracao_servico_id=19`,
      headers: { TOKEN_CRM: TOKEN },
    });
    assert.equal(res.statusCode, 404);
    assert.ok(lines(join(dir, 'geral', 'access.log')).some((l) => l.status === 404 && l.base === '../../evil'));
    assert.ok(!existsSync(join(dir, '..', 'evil')));
    assert.deepEqual(readdirSync(dir).sort(), ['demo', 'geral']);
  });

  test('secrets are masked in every line, whatever field carries them', async () => {
    apiLogs
      .error({ base: 'demo', empresaId: 1 })
      .error({ err: new Error(`login refused for password ${G5_PASSWORD}`), headers: { token_crm: TOKEN }, token: TOKEN }, `call with ${G5_PASSWORD}`);
    const line = errors().at(-1)!;
    assert.equal(line.msg, 'call with ***');
    assert.match(line.err.message, /password \*\*\*/);
    assert.equal(line.headers.token_crm, '***');
    assert.equal(line.token, '***');
    const text = allText(dir);
    assert.ok(!text.includes(G5_PASSWORD), 'G5 password in a log');
    assert.ok(!text.includes(TOKEN), 'TOKEN_CRM in a log');
  });
});
