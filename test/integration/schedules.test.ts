// The connection file's schedules on real parts: `serve` creates them as Temporal Schedules, a schedule every
// two seconds actually runs the SET (the G5-like receiver gets the customer, contas.id_erp is written back),
// `integrador schedules apply` updates and deletes them to match the file, and leaves other schedules alone.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ScheduleNotFoundError, type ScheduleDescription } from '@temporalio/client';
import { stringify } from 'yaml';
import { ConfigError } from '../../src/errors';
import { applySchedules, scheduleId } from '../../src/temporal/schedules';
import { setRunWorkflowId } from '../../src/temporal/workflow-id';
import { G5_PASSWORD, startSetEnv, TOKEN, type SetEnv } from './helpers/set-env';
import { runCli } from '../helpers/run-cli';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'integrador.js');

const cli = (args: string[]) => runCli(args, { G5_PASSWORD });

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('schedules: the file applied as Temporal Schedules', () => {
  let env: SetEnv;
  let dir: string;
  let configFile: string;
  const suffix = randomBytes(3).toString('hex');
  const name = `contas-${suffix}`;
  const unrelated = `other-${suffix}`;
  const foreign = `foreign-${suffix}`;

  const writeFile = (schedules: Record<string, unknown> | undefined) => {
    const g5 = env.config.bases.demo!.connections.g5!;
    writeFileSync(
      configFile,
      stringify({
        temporal: { address: env.config.temporal.address, namespace: env.config.temporal.namespace, taskQueue: env.taskQueue },
        api: { port: 0 },
        bases: {
          demo: {
            database: env.config.bases.demo!.database,
            tokens: [{ sha256: createHash('sha256').update(TOKEN).digest('hex') }],
            connections: { g5: { type: 'WS', url: g5.type === 'WS' ? g5.url : '', args: { user: 'integrador', password: '${G5_PASSWORD}', encryption: 0 } } },
          },
        },
        ...(schedules ? { schedules } : {}),
      }),
    );
  };
  const idErp = async (id: number) => (await env.crm.query('SELECT id_erp FROM contas WHERE id = $1', [id])).rows[0].id_erp as string | null;
  const nome = async (id: number) => (await env.crm.query('SELECT nome FROM contas WHERE id = $1', [id])).rows[0].nome as string;
  const customers = () => env.receiver.received.flatMap((r) => [(r.args as any).parameters?.dadosGeraisCliente ?? []].flat()) as Array<{ nomCli: string }>;
  const describeSchedule = (id: string) => env.client.temporal.schedule.getHandle(id).describe();
  const schedules = () => env.client.temporal.schedule;

  before(async () => {
    env = await startSetEnv();
    dir = mkdtempSync(join(tmpdir(), 'integrador-schedules-'));
    configFile = join(dir, 'integrador.yaml');
    // schedules this file did not create: one of other code, one of another integrador (other task queue)
    const action = { type: 'startWorkflow' as const, workflowType: 'setRun', args: [], taskQueue: `nowhere-${suffix}` };
    await schedules().create({ scheduleId: unrelated, spec: { intervals: [{ every: '1h' }] }, action, state: { paused: true } });
    await schedules().create({
      scheduleId: scheduleId(foreign),
      spec: { intervals: [{ every: '1h' }] },
      action,
      memo: { managedBy: 'integrador', taskQueue: `other-${suffix}` },
      state: { paused: true },
    });
  });
  after(async () => {
    for (const id of [scheduleId(name), unrelated, scheduleId(foreign)]) {
      await schedules()
        .getHandle(id)
        .delete()
        .catch(() => undefined);
    }
    await env?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('serve creates the schedule, and every firing runs the SET with its own workflow id', async () => {
    writeFile({ [name]: { base: 'demo', empresa: 1, integracao: 19, every: '2s', params: { contaId: 1 } } });
    let serve: ChildProcess | undefined;
    try {
      let out = '';
      serve = spawn(process.execPath, [BIN, 'serve', '--config', configFile, '--no-worker'], {
        cwd: ROOT,
        env: { ...process.env, G5_PASSWORD },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      serve.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      serve.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      await until('serve to listen', async () => /API listening/.test(out), 60_000);
      assert.match(out, new RegExp(`schedules: 0 unchanged, ${name} created`));
    } finally {
      serve?.kill('SIGTERM');
    }

    const described = await describeSchedule(scheduleId(name));
    assert.equal(described.policies.overlap, 'SKIP');
    assert.equal(described.action.type, 'startWorkflow');
    assert.equal(described.action.taskQueue, env.taskQueue);
    const request = { base: 'demo', empresaId: 1, empresaFilialId: null, integracaoId: 19, params: { contaId: '1' } };
    assert.deepEqual(described.action.args, [request]);

    // the demo G5 receiver gets the customer and the CRM row gets its ERP code
    const codCli = await until('contas.id_erp of conta 1', () => idErp(1));
    assert.ok(Number(codCli) >= 1001, codCli);
    assert.ok(customers().some((c) => c.nomCli === 'Padaria Pão Dourado Ltda'));

    // two firings, two runs: the API's workflow id with the firing time appended, each one completed
    const fired = await until('two scheduled runs', async () => {
      const recent = (await describeSchedule(scheduleId(name))).info.recentActions;
      return recent.length >= 2 && recent;
    });
    const ids = fired.map((a) => a.action.workflow.workflowId);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) {
      assert.ok(id.startsWith(`${setRunWorkflowId(request)}-`), id);
      const result = await env.client.handle(id).result();
      assert.equal(result.success, true, result.message);
    }
    const memo = (await env.client.handle(ids[0]!).describe()).memo as any;
    assert.equal(memo.agendamento.nome, name);
    assert.match(memo.resumo, /SET base=demo empresa=1 integracao=19 params=contaId/);
  });

  test('apply with the same file changes nothing; list shows it with its next runs', async () => {
    const applied = await cli(['schedules', 'apply', '--config', configFile]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, new RegExp(`${name} +unchanged +integrador-${name}`));

    const listed = await cli(['schedules', '--config', configFile, '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const row = (JSON.parse(listed.stdout) as any[]).find((r) => r.name === name);
    assert.equal(row.inFile, true);
    assert.equal(row.when, 'every 2s');
    assert.equal(row.onTemporal.upToDate, true);
    assert.ok(row.onTemporal.nextRuns.length >= 1);
    assert.ok(Date.parse(row.onTemporal.nextRuns[0]) > Date.now() - 5000);

    const text = await cli(['schedules', 'list', '--config', configFile]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`${name} +yes +yes +every 2s +\\d{4}-\\d\\d-\\d\\dT`));
    // schedules of other code and of other deployments are not this file's business
    assert.doesNotMatch(text.stdout, new RegExp(`${unrelated}|${foreign}`));
  });

  test('changing the schedule in the file updates it: the next firings send the new account', async () => {
    writeFile({ [name]: { base: 'demo', empresa: 1, integracao: 19, every: '3s', params: { contaId: 2 } } });
    const before = await cli(['schedules', 'list', '--config', configFile]);
    assert.match(before.stdout, new RegExp(`${name} +yes +differs \\(run apply\\) +every 3s`));

    const applied = await cli(['schedules', 'apply', '--config', configFile]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, new RegExp(`${name} +updated`));
    const described = await describeSchedule(scheduleId(name));
    assert.deepEqual((described.action.args as any[])[0].params, { contaId: '2' });
    assert.equal(described.spec.intervals?.[0]?.every, 3000);

    const codCli = await until('contas.id_erp of conta 2', () => idErp(2));
    assert.ok(Number(codCli) >= 1001, codCli);
    const conta2 = await nome(2);
    assert.ok(customers().some((c) => c.nomCli === conta2));
  });

  test('a file naming a schedule another deployment owns is a configuration error, and nothing is changed', async () => {
    const s = { every: '5s', request: { base: 'demo', empresaId: 1, empresaFilialId: null, integracaoId: 19, params: { contaId: '3' } } };
    await assert.rejects(
      applySchedules(env.client.temporal, { temporal: env.config.temporal, schedules: { [foreign]: s } }),
      (err: unknown) =>
        err instanceof ConfigError && new RegExp(`schedules\\.${foreign}.*created by the integrador on task queue other-${suffix}`).test(err.message),
    );
    const untouched = await describeSchedule(scheduleId(foreign));
    assert.equal(untouched.state.paused, true);
    assert.deepEqual(untouched.action.args, []);
  });

  test('a definition Temporal refuses is a configuration error naming the schedule', async () => {
    const s = { cron: '99 * * * *', request: { base: 'demo', empresaId: 1, empresaFilialId: null, integracaoId: 19, params: { contaId: '3' } } };
    const bad = `bad-${suffix}`;
    await assert.rejects(
      applySchedules(env.client.temporal, { temporal: env.config.temporal, schedules: { [bad]: s } }),
      (err: unknown) => err instanceof ConfigError && err.issues[0]!.column === `schedules.${bad}` && /Temporal refused schedule .*Minute/.test(err.message),
    );
    await assert.rejects(describeSchedule(scheduleId(bad)), ScheduleNotFoundError);
  });

  test('removing it from the file removes it; unrelated schedules are left alone', async () => {
    // listing is eventually consistent: apply finds what to delete by listing
    await until('the schedule in the list', async () => {
      for await (const s of schedules().list()) if (s.scheduleId === scheduleId(name)) return true;
      return false;
    });
    writeFile(undefined);
    const applied = await cli(['schedules', 'apply', '--config', configFile]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, new RegExp(`${name} +deleted +integrador-${name}`));
    await assert.rejects(describeSchedule(scheduleId(name)), ScheduleNotFoundError);

    // no more runs: a firing in flight at the deletion may still finish, none after it
    await sleep(1000);
    const sent = env.receiver.received.length;
    await sleep(4000);
    assert.equal(env.receiver.received.length, sent);

    const others: ScheduleDescription[] = [await describeSchedule(unrelated), await describeSchedule(scheduleId(foreign))];
    assert.deepEqual(
      others.map((o) => o.scheduleId),
      [unrelated, scheduleId(foreign)],
    );
  });
});
