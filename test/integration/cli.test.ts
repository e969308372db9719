// The operator's commands on real parts: `integrador run | status | history export` spawned as a person
// would, against the seeded CRM, the Temporal dev server and a worker (startSetEnv) through a connection file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../../src/worker';
import { G5_PASSWORD, startSetEnv, TOKEN, type SetEnv } from './helpers/set-env';
import { freePort } from '../../src/dev/free-port';
import { runCli, type Ran } from '../helpers/run-cli';
import { cliFor, type CliEnv } from './helpers/cli-run';

const ROOT = join(__dirname, '..', '..');

const cli = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> => runCli(args, env);

describe('integrador run, status and history export', () => {
  let env: SetEnv;
  let files: CliEnv | undefined;
  let configFile: string;
  const run = (args: string[]) => cli(args, { G5_PASSWORD });

  before(async () => {
    env = await startSetEnv();
    // the connection file a person would write for this environment
    files = cliFor(env);
    configFile = files.configFile;
  });
  after(async () => {
    await env?.close();
    files?.close();
  });

  test('run sends an account, shows its progress and prints the written-back code', async () => {
    const res = await run(['run', '--config', configFile, '--base', 'demo', '--empresa', '1', '--integracao', '19', '--param', 'contaId=1', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const answer = JSON.parse(res.stdout);
    assert.equal(answer.success, true);
    const record = answer.integrations[0].records[0];
    assert.equal(record.status, 'gravado');
    assert.ok(Number(record.values.codCli) >= 1001);
    assert.match(res.stderr, /workflow set-demo-1-19-/);
    assert.match(res.stderr, /records 1\/1 \| sent 1 \| written back 1 \| failed 0/);
    const row = await env.crm.query('SELECT id_erp FROM contas WHERE id = 1');
    assert.equal(row.rows[0].id_erp, String(record.values.codCli));
  });

  test('run exits 1 and names the error when the receiver refuses the record', async () => {
    const res = await run(['run', '-c', configFile, '-b', 'demo', '-e', '1', '-i', '19', '-p', 'contaId=6']);
    assert.equal(res.code, 1, res.stdout + res.stderr);
    assert.match(res.stdout, /^FAILED: integracao 19 \(SET-WS-CONTAS\) failed/);
    assert.match(res.stdout, /6: erro - .*inválido/);
    assert.match(res.stderr, /failed 1/);
  });

  test('run refuses a request missing a required parameter before starting anything', async () => {
    const res = await run(['run', '-c', configFile, '-b', 'demo', '-e', '1', '-i', '19']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /contaId/);
    assert.doesNotMatch(res.stderr, /workflow set-/);
  });

  test('status shows each record with its status, captured values and attempts', async () => {
    const started = await run(['run', '-c', configFile, '-b', 'demo', '-e', '1', '-i', '19', '-p', 'contaId=2', '--json']);
    assert.equal(started.code, 0, started.stderr);
    const { workflowId } = JSON.parse(started.stdout);

    const json = await run(['status', workflowId, '--config', configFile, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const view = JSON.parse(json.stdout);
    assert.equal(view.status, 'completed');
    assert.equal(view.temporalStatus, 'COMPLETED');
    assert.equal(view.summary.integracaoId, 19);
    const [integration] = view.integrations;
    assert.equal(integration.status, 'ok');
    assert.deepEqual(Object.keys(integration.records[0]).sort(), ['attempts', 'key', 'message', 'status', 'values']);
    assert.equal(integration.records[0].attempts, 1);

    const text = await run(['status', workflowId, '--config', configFile]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /status +completed \(COMPLETED\)/);
    assert.match(text.stdout, /integration 19 SET-WS-CONTAS: ok/);
    assert.match(text.stdout, /\n {2}2 +gravado +1 +codCli=\d+/);

    const missing = await run(['status', 'set-demo-nope', '--config', configFile]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no run set-demo-nope/);
  });

  test('history export writes a history the workflow code replays', async () => {
    const started = await run(['run', '-c', configFile, '-b', 'demo', '-e', '1', '-i', '19', '-p', 'contaId=3', '--json']);
    assert.equal(started.code, 0, started.stderr);
    const { workflowId } = JSON.parse(started.stdout);
    const file = join(dirname(configFile), 'history.json');
    const res = await run(['history', 'export', workflowId, file, '--config', configFile]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /events of set-demo-1-19-/);
    const history = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
    assert.ok((history.events?.length ?? 0) > 5);
    assert.ok(!readFileSync(file, 'utf8').includes(G5_PASSWORD), 'password in history');
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowId);
  });

  test('serve drains an in-flight /integrar on SIGTERM, then stops its worker and exits 0', async () => {
    // its own task queue, so the run can only be done by the worker inside `serve`
    const serveConfig = join(dirname(configFile), 'serve.yaml');
    const yaml = readFileSync(configFile, 'utf8').replace(`taskQueue: ${env.taskQueue}`, `taskQueue: ${env.taskQueue}-serve`);
    assert.notEqual(yaml, readFileSync(configFile, 'utf8'));
    writeFileSync(serveConfig, yaml);
    const port = await freePort();
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'integrador.js'), 'serve', '--config', serveConfig], {
      cwd: ROOT,
      env: { ...process.env, G5_PASSWORD, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!output.includes('API listening')) {
        assert.ok(Date.now() < deadline, `serve did not start: ${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      env.receiver.setBehaviour({ delayMs: 2000 });
      const before = env.receiver.received.length;
      const inFlight = fetch(`http://127.0.0.1:${port}/integrar?base_crm=demo&empresa_id=1&integracao_servico_id=19&contaId=4`, {
        headers: { TOKEN_CRM: TOKEN },
      });
      while (env.receiver.received.length === before) await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGTERM');
      const res = await inFlight;
      assert.equal(res.status, 200, `${await res.clone().text()}\n${output}`);
      const body = (await res.json()) as { success: boolean; integrations: Array<{ records: Array<{ status: string }> }> };
      assert.equal(body.success, true);
      assert.equal(body.integrations[0]!.records[0]!.status, 'gravado');
      assert.equal(await exited, 0, output);
      await assert.rejects(fetch(`http://127.0.0.1:${port}/saude`));
    } finally {
      env.receiver.setBehaviour({ delayMs: 0 });
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  test('every command answers --help', async () => {
    for (const args of [['run'], ['status'], ['history'], ['history', 'export']]) {
      const res = await cli([...args, '--help']);
      assert.equal(res.code, 0, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stdout, /Usage: integrador/);
    }
  });
});
