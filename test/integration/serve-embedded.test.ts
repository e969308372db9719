// `integrador serve` with a connection file that has no `temporal:` key at all: it starts an embedded
// Temporal dev server beside the file, the other commands given the same file reach it while serve runs,
// say clearly that there is no Temporal once it stopped, and a restart finds the earlier runs again.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Pool } from 'pg';
import { stringify } from 'yaml';
import { embeddedTemporalFiles, type EmbeddedTemporalState } from '../../src/cli/temporal-target';
import { migrate } from '../../src/crm/migrate';
import { seedDemoCrm, seedDemoIntegration } from '../../src/dev/demo-seed';
import { freePort } from '../../src/dev/free-port';
import { startG5Receiver, type G5Receiver } from '../../src/dev/g5-receiver';
import { testServices } from '../helpers/services';
import { runCli } from '../helpers/run-cli';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'integrador.js');
const TOKEN = 'serve-token';

const cli = (args: string[]) => runCli(args);

interface Serving {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<number | null>;
}

/** Spawns `serve` and waits until its API listens. */
function serve(configFile: string): Promise<Serving> {
  const child = spawn(process.execPath, [BIN, 'serve', '--config', configFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 180_000);
    const onData = (c: Buffer) => {
      output += c.toString();
      if (/API listening on/.test(output)) {
        clearTimeout(timer);
        resolve({
          child,
          output: () => output,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('serve without temporal.address', () => {
  let dir: string;
  let configFile: string;
  let receiver: G5Receiver;
  let running: Serving | undefined;
  let apiPort: number;

  before(async () => {
    const services = await testServices();
    const crmUrl = await services.newDatabase('crm');
    await migrate(crmUrl);
    const crm = new Pool({ connectionString: crmUrl, max: 2 });
    await seedDemoCrm(crm);
    await seedDemoIntegration(crm);
    await crm.end();
    receiver = await startG5Receiver({ user: 'integrador', password: 'serve-secret' });
    dir = mkdtempSync(join(tmpdir(), 'integrador-serve-'));
    configFile = join(dir, 'integrador.yaml');
    apiPort = await freePort();
    const text = stringify({
      api: { port: apiPort },
      bases: {
        demo: {
          database: crmUrl,
          tokens: [{ sha256: createHash('sha256').update(TOKEN).digest('hex') }],
          connections: { g5: { type: 'WS', url: receiver.baseUrl, args: { user: 'integrador', password: 'serve-secret', encryption: 0 } } },
        },
      },
    });
    assert.doesNotMatch(text, /temporal/);
    writeFileSync(configFile, text);
  });
  after(async () => {
    await running?.stop();
    await receiver?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('starts an embedded Temporal that the other commands reach, and keeps its runs across restarts', async () => {
    const files = embeddedTemporalFiles(configFile);
    running = await serve(configFile);
    assert.match(running.output(), /embedded Temporal on 127\.0\.0\.1:\d+/);
    assert.match(running.output(), /Temporal UI\s+http:\/\/127\.0\.0\.1:\d+/);
    const state = JSON.parse(readFileSync(files.stateFile, 'utf8')) as EmbeddedTemporalState;
    assert.match(state.address, /^127\.0\.0\.1:\d+$/);

    const ran = await cli(['run', '--config', configFile, '--base', 'demo', '--empresa', '1', '--integracao', '19', '--param', 'contaId=1', '--json']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(JSON.parse(ran.stdout).success, true);
    const workflowId = /workflow (set-demo-1-19-\S+)/.exec(ran.stderr)![1]!;
    const status = await cli(['status', '--config', configFile, workflowId]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /1\s+gravado/);

    // a button on serve's API: its client shares the worker's connection, so the run starts eagerly
    const res = await fetch(`http://127.0.0.1:${apiPort}/integrar?base_crm=demo&empresa_id=1&integracao_servico_id=19&contaId=2`, {
      headers: { TOKEN_CRM: TOKEN },
    });
    const answer = (await res.json()) as { success: boolean; workflowId: string };
    assert.equal(res.status, 200, JSON.stringify(answer));
    assert.equal(answer.success, true);
    const accessLine = () =>
      running!
        .output()
        .split('\n')
        .find((l) => l.includes('"msg":"integrar"') && l.includes(answer.workflowId));
    for (let i = 0; i < 50 && !accessLine(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(accessLine() ?? running.output(), /"eager":true/);

    assert.equal(await running.stop(), 0);
    running = undefined;
    assert.equal(existsSync(files.stateFile), false, 'serve removes its state file when it stops');
    assert.ok(existsSync(files.dbFile), 'the data stays beside the connection file');

    for (const args of [
      ['status', '--config', configFile, workflowId],
      ['history', 'export', '--config', configFile, workflowId, join(dir, 'h.json')],
      ['worker', '--config', configFile],
    ]) {
      const refused = await cli(args);
      assert.equal(refused.code, 1, `${args[0]}: ${refused.stdout}${refused.stderr}`);
      assert.match(refused.stderr, /no Temporal to reach: .*integrador\.yaml has no temporal\.address/);
      assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace');
    }

    // a state file left by a serve that died points at nothing: the commands say so
    writeFileSync(files.stateFile, JSON.stringify({ address: state.address, namespace: 'default', servePid: 999999 }));
    const stale = await cli(['status', '--config', configFile, workflowId]);
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /no Temporal to reach: .* does not answer/);

    running = await serve(configFile);
    const again = await cli(['status', '--config', configFile, workflowId]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`workflow\\s+${workflowId}`));

    // serve killed outright: its Temporal lives on, holding the data file; the next serve stops it and takes over
    const crashed = JSON.parse(readFileSync(files.stateFile, 'utf8')) as EmbeddedTemporalState;
    const wrapperExit = new Promise((r) => running!.child.once('exit', r));
    process.kill(crashed.servePid, 'SIGKILL');
    await wrapperExit;
    running = undefined;
    assert.ok(existsSync(files.stateFile) && crashed.temporalPid && isAlive(crashed.temporalPid), 'the orphaned Temporal still runs');
    running = await serve(configFile);
    assert.equal(isAlive(crashed.temporalPid), false, 'the orphan was stopped');
    const recovered = await cli(['status', '--config', configFile, workflowId]);
    assert.equal(recovered.code, 0, recovered.stderr);
  });
});
