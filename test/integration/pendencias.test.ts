// GET /pendencias and `integrador pending`: the incerto records of a base across runs and its erro records
// of the last 7 days, made by real runs (a receiver that drops the connection after processing, a receiver
// refusal), restricted by the token's companies.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cliFor, type CliEnv } from './helpers/cli-run';
import { integrar, startSetEnv, TOKEN, type SetEnv } from './helpers/set-env';

const LIMITED_TOKEN = 'limited-' + TOKEN;
const ask = (contaId: number, empresa = 1) => ({ base_crm: 'demo', empresa_id: empresa, integracao_servico_id: 19, contaId });

interface Listed {
  workflowId: string;
  integration: { id: number; name: string };
  empresaId: number;
  key: string;
  status: string;
  error: string;
  attempts: number;
  at: string;
}

describe('GET /pendencias', () => {
  let env: SetEnv;
  let cli: CliEnv;
  const workflows: Record<string, string> = {};
  const pendencias = (query: string, token: string | null = TOKEN) =>
    env.app.inject({ method: 'GET', url: `/pendencias?${query}`, headers: token === null ? {} : { TOKEN_CRM: token } });
  const keys = (body: { records: Listed[] }) => body.records.map((r) => `${r.status}:${r.key}:${r.empresaId}`).sort();

  before(async () => {
    env = await startSetEnv({
      tokens: [{ sha256: createHash('sha256').update(LIMITED_TOKEN).digest('hex'), empresas: [2] }],
      // integration 19 (and its component) for every company, so company 2 has runs too
      seed: async (crm) => void (await crm.query('UPDATE integrador.integracao SET empresa_id = NULL WHERE id IN (19, 20)')),
    });
    cli = cliFor(env);
    const refused = await integrar(env, ask(6)); // wrong CNPJ check digits: the receiver refuses it → erro
    assert.equal(refused.statusCode, 502, refused.body);
    workflows.erro = refused.json().workflowId;
    env.receiver.setBehaviour({ failWith: 'dropConnection', failTimes: 1 }); // processed, answer lost → incerto
    const dropped = await integrar(env, ask(2, 2));
    workflows.incerto = dropped.json().workflowId;
    assert.equal(dropped.json().integrations[0].records[0].status, 'incerto', dropped.body);
    const sent = await integrar(env, ask(1));
    assert.equal(sent.statusCode, 200, sent.body);
  });
  after(async () => {
    cli?.close();
    await env?.close();
  });

  test('lists every incerto and recent erro record with its run, integration, key, error, attempts and time', async () => {
    const res = await pendencias('base_crm=demo');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(keys(body), ['erro:6:1', 'incerto:2:2']);
    assert.equal(body.truncated, false);
    const incerto = body.records.find((r: Listed) => r.status === 'incerto') as Listed;
    assert.equal(incerto.workflowId, workflows.incerto);
    assert.deepEqual(incerto.integration, { id: 19, name: 'SET-WS-CONTAS' });
    assert.equal(incerto.attempts, 1);
    assert.match(incerto.error, /unknown outcome/);
    assert.ok(Math.abs(Date.parse(incerto.at) - Date.now()) < 60_000, incerto.at);
    const erro = body.records.find((r: Listed) => r.status === 'erro') as Listed;
    assert.equal(erro.workflowId, workflows.erro);
    assert.match(erro.error, /CNPJ|cgcCpf|inv/i);
  });

  test("the token's companies restrict what is listed; another company is 403", async () => {
    assert.deepEqual(keys((await pendencias('base_crm=demo', LIMITED_TOKEN)).json()), ['incerto:2:2']);
    assert.deepEqual(keys((await pendencias('base_crm=demo&empresa_id=2', LIMITED_TOKEN)).json()), ['incerto:2:2']);
    const refused = await pendencias('base_crm=demo&empresa_id=1', LIMITED_TOKEN);
    assert.equal(refused.statusCode, 403, refused.body);
    assert.equal(refused.json().parameter, 'empresa_id');
    assert.deepEqual(keys((await pendencias('base_crm=demo&empresa_id=1')).json()), ['erro:6:1']);
  });

  test('an erro older than 7 days drops out; an incerto stays however old', async () => {
    await env.crm.query("UPDATE integrador.envio SET atualizado_em = now() - interval '8 days' WHERE status = 'erro'");
    await env.crm.query("UPDATE integrador.envio SET atualizado_em = now() - interval '40 days' WHERE status = 'incerto'");
    try {
      assert.deepEqual(keys((await pendencias('base_crm=demo')).json()), ['incerto:2:2']);
    } finally {
      await env.crm.query("UPDATE integrador.envio SET atualizado_em = now() WHERE status IN ('erro', 'incerto')");
    }
  });

  test('refuses bad input: no or wrong token 401, unknown base 404, bad parameters 400', async () => {
    const cases: Array<[string, string | null, number, string]> = [
      ['base_crm=demo', null, 401, 'TOKEN_CRM'],
      ['base_crm=demo', 'wrong', 401, 'TOKEN_CRM'],
      ['', TOKEN, 400, 'base_crm'],
      ['base_crm=outra', TOKEN, 404, 'base_crm'],
      ['base_crm=demo&base_crm=demo', TOKEN, 400, 'base_crm'],
      ['base_crm=demo&empresa_id=um', TOKEN, 400, 'empresa_id'],
      ['base_crm=demo&limite=0', TOKEN, 400, 'limite'],
    ];
    for (const [query, token, status, parameter] of cases) {
      const res = await pendencias(query, token);
      assert.equal(res.statusCode, status, `${query}: ${res.body}`);
      assert.equal(res.json().parameter, parameter, query);
    }
  });

  test('integrador pending prints the same records', async () => {
    const ran = await cli.run(['pending', '--config', cli.configFile, '--base', 'demo', '--json']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.deepEqual(keys(JSON.parse(ran.stdout)), ['erro:6:1', 'incerto:2:2']);
    const text = await cli.run(['pending', '--config', cli.configFile, '--base', 'demo', '--empresa', '2']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`incerto\\s+${workflows.incerto}\\s+19 SET-WS-CONTAS\\s+key 2\\s+attempts 1`));
    assert.doesNotMatch(text.stdout, /erro /);
  });

  test('the migration gives rows written before it their company from the workflow id', async () => {
    const sql = readFileSync(join(__dirname, '..', '..', 'src', 'crm', 'migrations', '1764400000000_envio-empresa.sql'), 'utf8');
    const backfill = /UPDATE integrador\.envio[\s\S]*?;/.exec(sql)![0];
    await env.crm.query('UPDATE integrador.envio SET empresa_id = NULL');
    await env.crm.query(backfill);
    const { rows } = await env.crm.query('SELECT workflow_id, empresa_id FROM integrador.envio ORDER BY id');
    assert.deepEqual(
      rows.map((r) => r.empresa_id),
      [1, 2, 1],
    );
  });
});
