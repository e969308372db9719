// `integrador settle` and `integrador status` spawned as a person would, against the seeded CRM, the
// Temporal dev server, a worker and the G5 receiver (startSetEnv) through a connection file.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { G5_PASSWORD, integrar, startSetEnv, type SetEnv } from './helpers/set-env';
import { runCli } from '../helpers/run-cli';
import { cliFor, type CliEnv } from './helpers/cli-run';

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, env);

describe('integrador settle', () => {
  let env: SetEnv;
  let files: CliEnv | undefined;
  let configFile: string;
  const run = (args: string[]) => cli(['settle', '--config', configFile, ...args], { G5_PASSWORD });

  async function uncertain(contaId: number): Promise<string> {
    env.receiver.setBehaviour({ failWith: 'dropConnection', failTimes: 1 });
    const res = await integrar(env, { base_crm: 'demo', empresa_id: 1, integracao_servico_id: 19, contaId });
    assert.equal(res.statusCode, 502, res.body);
    return res.json().workflowId;
  }

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

  test('--discard --reason ends an incerto descartado; status shows the settlement; a second one exits 1 naming the state', async () => {
    const workflowId = await uncertain(1);
    const done = await run([workflowId, '19', '1', '--discard', '--reason', 'cadastrado à mão', '--as', 'ana.consultora']);
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /descartar: record 1 of integration 19 is descartado/);
    assert.match(done.stdout, new RegExp(`settlement settle-${workflowId}-19-1-1`));
    const status = await cli(['status', '--config', configFile, workflowId], { G5_PASSWORD });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /1\s+descartado\s+1\s+descartado by ana.consultora: cadastrado à mão/);
    assert.match(status.stdout, /settled #1: descartar "cadastrado à mão" by ana.consultora at \S+, incerto → descartado/);
    const again = await run([workflowId, '19', '1', '--resend']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /refused \(409\): record 1 is descartado: reenviar settles only a record that is incerto or erro/);
  });

  test('--confirm k=v writes the value back and ends gravado, audited as the OS user by default', async () => {
    const workflowId = await uncertain(2);
    const done = await run([workflowId, '19', '2', '--confirm', 'codCli=5555', '--json']);
    assert.equal(done.code, 0, done.stderr);
    const body = JSON.parse(done.stdout);
    assert.equal(body.record.status, 'gravado');
    assert.match(body.record.settlements[0].por, /^cli/);
    assert.equal((await env.crm.query('SELECT id_erp FROM contas WHERE id = 2')).rows[0].id_erp, '5555');
  });

  test('bad use exits 1 with the reason, and changes nothing', async () => {
    const workflowId = await uncertain(3);
    const both = await run([workflowId, '19', '3', '--resend', '--discard', '--reason', 'x']);
    assert.equal(both.code, 1);
    assert.match(both.stderr, /pass exactly one of --confirm k=v\.\.\., --resend, --discard --reason R/);
    const noReason = await run([workflowId, '19', '3', '--discard']);
    assert.equal(noReason.code, 1);
    assert.match(noReason.stderr, /refused \(400\): descartar needs a motivo/);
    const missing = await run([workflowId, '19', '3', '--confirm', 'outro=1']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /valores\.codCli is missing/);
    const unknown = await run(['set-demo-1-19-0000000000000000', '19', '3', '--resend']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no run set-demo-1-19-0000000000000000/);
    const key = await run([workflowId, '19', '33', '--resend']);
    assert.equal(key.code, 1);
    assert.match(key.stderr, /refused \(404\): run .* has no record 33 in integracao 19/);
    const { rows } = await env.crm.query(`SELECT status, liquidacoes FROM integrador.envio WHERE workflow_id = $1`, [workflowId]);
    assert.deepEqual(rows, [{ status: 'incerto', liquidacoes: 0 }]);
  });

  test('settle --help names every action', async () => {
    const help = await cli(['settle', '--help']);
    assert.equal(help.code, 0);
    for (const option of ['--confirm', '--resend', '--discard', '--reason', '--as', '--json']) assert.match(help.stdout, new RegExp(option));
  });
});
