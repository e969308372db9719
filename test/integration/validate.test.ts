// The consultant's validator on a real PostgreSQL: a clean demo base, then a base seeded with one broken
// row per kind of mistake. Every problem is reported at once with table, id and column; nothing is run
// for real (no write-back, no ledger row, no data changed). Also the `validate` and `plan` commands, spawned.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Pool } from 'pg';
import { parseConfig } from '../../src/config/load-config';
import type { BaseConfig } from '../../src/config/types';
import { readConfigRows } from '../../src/crm/config-repository';
import { migrate } from '../../src/crm/migrate';
import { seedDemoChain, seedDemoCrm, seedDemoIntegration } from '../../src/dev/demo-seed';
import { ConfigError, formatIssue, type ConfigIssue } from '../../src/errors';
import { buildPlan } from '../../src/plan/build-plan';
import { validateDatabase } from '../../src/validate';
import { testServices } from '../helpers/services';

const ROOT = join(__dirname, '..', '..');
const CONSULTA = 'SELECT c.id, c.nome, c.cnpj, c.tipo_pessoa FROM contas AS c WHERE c.id = #contaId#';

async function demoDatabase(): Promise<{ url: string; pool: Pool }> {
  const url = await (await testServices()).newDatabase('validate');
  await migrate(url);
  const pool = new Pool({ connectionString: url, max: 2 });
  await seedDemoCrm(pool);
  await seedDemoIntegration(pool);
  await seedDemoChain(pool);
  return { url, pool };
}

/** An otherwise valid integration of empresa 1 on connection 3 (g5), with `overrides`. */
async function integracao(pool: Pool, id: number, overrides: Record<string, unknown> = {}) {
  const row: Record<string, unknown> = {
    id,
    nome: `QUEBRADA-${id}`,
    tipo_servico: 'SET',
    empresa_id: 1,
    link: '/g5-senior-services/sapiens_Synccom_senior_g5_co_ger_cad_clientes?wsdl',
    tabela: 'contas',
    consulta: JSON.stringify({ consulta: CONSULTA }),
    conexao_integracao_id: 3,
    porta_ws: 'GravarClientes',
    indice_array_retorno: 'retornosClientes',
    indice_valor_retorno: 'codCli',
    indice_erro_retorno: 'retorno!=OK',
    parametros_obrigatorios: 'contaId',
    ...overrides,
  };
  const columns = Object.keys(row);
  await pool.query(`INSERT INTO integrador.integracao (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(row));
}

async function campo(pool: Pool, id: number, integracaoId: number, path: string, campoCrm: object | string) {
  const text = typeof campoCrm === 'string' ? campoCrm : JSON.stringify(campoCrm);
  await pool.query('INSERT INTO integrador.campos_integracao (id, integracao_id, campo_integracao, campo_crm) VALUES ($1, $2, $3, $4)', [
    id,
    integracaoId,
    path,
    text,
  ]);
}

/** One broken row per kind of mistake, each in an integration that is otherwise fine. */
async function seedBroken(pool: Pool) {
  await pool.query(`INSERT INTO integrador.conexao_integracao (id, tipo_conexao, nome_conexao) VALUES (7, 'WS', 'sapiens_producao'), (8, 'DB', 'g5')`);
  await integracao(pool, 901, { consulta: JSON.stringify({ consulta: 'SELECT c.id, c.nome FROM contas AS c WHERE c.id = #contaIdd#' }) });
  await integracao(pool, 902);
  await campo(pool, 90201, 902, 'parameters.c.nomCli', '{"campo": "nome"');
  await campo(pool, 90202, 902, 'parameters.c.apeCli', { campo: 'nome_fantasia' });
  await campo(pool, 90203, 902, 'parameters.c.obsCli', { texto: '#nome# - #apelido#' });
  await campo(pool, 90204, 902, 'parameters.c.definicoesCliente', { componente: 998 });
  await campo(pool, 90205, 902, 'parameters.c.cgcCpf', { campo: 'cnpj' });
  await campo(pool, 90206, 902, 'parameters.c.endCli', { campo: 'nome' });
  await pool.query(
    `INSERT INTO integrador.regras (id, campos_integracao_id, tipo, parametro) VALUES (9001, 90205, 'CONDICAO', '{"campo": "tipo_pesoa", "igual": "J"}'), (9002, 90206, 'TRUNCAR', 'quarenta')`,
  );
  await integracao(pool, 903, { conexao_integracao_id: 7 });
  await integracao(pool, 904, { conexao_integracao_id: 8 });
  await integracao(pool, 905, { dependente: 906 });
  await integracao(pool, 906, { dependente: 905 });
  await integracao(pool, 907, { dependente: 999 });
  await integracao(pool, 908, { tipo_servico: 'GET' });
  await integracao(pool, 909, { consulta: JSON.stringify({ consulta: 'SELECT c.id, c.nome FROM contas AS c WHERE c.idd = #contaId#' }) });
  await integracao(pool, 910, { sql_update: 'UPDATE contas SET id_erpp = #codCli# WHERE id = #contaId#' });
  await integracao(pool, 911);
  await campo(pool, 91101, 911, 'parameters.c.codRep', { campo: 'id' });
  await pool.query(`INSERT INTO integrador.dependencias (id, campos_integracao_id, consulta, obrigatoria) VALUES (90, 91101, $1, false)`, [
    JSON.stringify({ consulta: 'SELECT id_erp FROM contass WHERE id = #id#' }),
  ]);
  await integracao(pool, 912, { dependente: 913 });
  await integracao(pool, 913, { empresa_id: 2 });
  // a query that would delete if it ran at top level: described inside a subquery, read only, rolled back
  await integracao(pool, 914, { consulta: JSON.stringify({ consulta: 'WITH apagados AS (DELETE FROM contatos RETURNING id) SELECT id FROM apagados' }) });
  await integracao(pool, 915, { sql_update: 'UPDATE contas SET id_erp = #codigo# WHERE id = #contaId#' });
}

type Expected = [table: string, row: number, column: string, message: RegExp];

const EXPECTED: Expected[] = [
  ['conexao_integracao', 7, 'nome_conexao', /connection sapiens_producao is not in the connection file/],
  ['conexao_integracao', 8, 'tipo_conexao', /is DB but connection g5 in the connection file is WS/],
  ['integracao', 901, 'consulta', /unknown variable #contaIdd#/],
  ['integracao', 906, 'dependente', /dependencies form a cycle: 905 → 906 → 905/], // the row that declared the edge 905 → 906
  ['integracao', 907, 'dependente', /points to integracao 999, which does not exist/],
  ['integracao', 908, 'tipo_servico', /GET is not run by this engine \(only SET\)/],
  ['integracao', 909, 'consulta', /SQL error 42703: column c\.idd does not exist/],
  ['integracao', 910, 'sql_update', /SQL error 42703: column "id_erpp" of relation "contas" does not exist/],
  // 913 run by its own empresa 2 does not pull in 912: only 912's own dependente names 913
  ['integracao', 913, 'empresa_id', /belongs to empresa 2, not to empresa 1/],
  ['integracao', 914, 'consulta', /SQL error 0A000: WITH clause containing a data-modifying statement must be at the top level/],
  ['integracao', 915, 'sql_update', /unknown variable #codigo#/],
  ['campos_integracao', 90201, 'campo_crm', /is not valid JSON/],
  ['campos_integracao', 90202, 'campo_crm', /column "nome_fantasia" is not returned by the CRM query/],
  ['campos_integracao', 90203, 'campo_crm', /unknown variable #apelido#/],
  ['campos_integracao', 90204, 'campo_crm', /"componente" 998: integracao 998 does not exist/],
  ['regras', 9001, 'parametro', /CONDICAO tests column "tipo_pesoa", which the CRM query does not return/],
  ['regras', 9002, 'parametro', /TRUNCAR needs a positive integer length/],
  ['dependencias', 90, 'consulta', /SQL error 42P01: relation "contass" does not exist/],
];

function find(issues: ConfigIssue[], [table, row, column, message]: Expected): ConfigIssue | undefined {
  return issues.find((issue) => issue.table === table && issue.row === row && issue.column === column && message.test(issue.message));
}

/** Everything a validation could change if it ran anything for real. */
async function snapshot(pool: Pool) {
  const digest = async (table: string) =>
    (await pool.query(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS d FROM ${table} AS t`)).rows[0].d;
  return {
    contas: await digest('contas'),
    contatos: await digest('contatos'),
    pedidos: await digest('pedidos'),
    itens: await digest('itens_pedido'),
    envio: await digest('integrador.envio'),
    prepared: (await pool.query('SELECT count(*)::int AS n FROM pg_prepared_statements')).rows[0].n,
  };
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'integrador.js'), ...args], { cwd: ROOT, env: { ...process.env, INTEGRADOR_CONFIG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('integrador validate', () => {
  let clean: { url: string; pool: Pool };
  let broken: { url: string; pool: Pool };
  let dir: string;
  let configPath: string;
  const bases: Record<string, BaseConfig> = {};

  before(async () => {
    [clean, broken] = await Promise.all([demoDatabase(), demoDatabase()]);
    await seedBroken(broken.pool);
    dir = mkdtempSync(join(tmpdir(), 'integrador-validate-'));
    configPath = join(dir, 'integrador.yaml');
    const token = createHash('sha256').update('validate-token').digest('hex');
    const base = (url: string) =>
      `    database: ${url}\n    tokens:\n      - sha256: ${token}\n    connections:\n      g5:\n        type: WS\n        url: http://127.0.0.1:9\n        args: { user: integrador, password: "\${VALIDATE_G5_PASSWORD}", encryption: 0 }\n`;
    const yaml = `# written by validate.test.ts\nbases:\n  demo:\n${base(clean.url)}  quebrada:\n${base(broken.url)}`;
    writeFileSync(configPath, yaml);
    process.env.VALIDATE_G5_PASSWORD = 'segredo';
    const config = parseConfig(yaml);
    bases.demo = config.bases.demo!;
    bases.quebrada = config.bases.quebrada!;
  });
  after(async () => {
    await Promise.all([clean?.pool.end(), broken?.pool.end()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('finds no problem in the demo base (accounts, contacts, orders, components, lookups)', async () => {
    const report = await validateDatabase(bases.demo!);
    assert.deepEqual(report.issues.map(formatIssue), []);
    assert.deepEqual(report.checked, [19, 21, 22]);
  });

  test('reports every mistake at once with its table, id and column, and nothing about the rows that are fine', async () => {
    const report = await validateDatabase(bases.quebrada!);
    const lines = report.issues.map(formatIssue);
    const missing = EXPECTED.filter((expected) => !find(report.issues, expected));
    assert.deepEqual(
      missing.map(([t, r, c, m]) => `${t} id=${r} ${c}: ${m}`),
      [],
      `reported:\n${lines.join('\n')}`,
    );
    const demoRows = new Set([19, 20, 21, 22, 23, 3]);
    const aboutDemo = report.issues.filter(
      (issue) => typeof issue.row === 'number' && demoRows.has(issue.row) && issue.table !== 'regras' && issue.table !== 'dependencias',
    );
    assert.deepEqual(aboutDemo.map(formatIssue), []);
    assert.ok(lines.includes(formatIssue(find(report.issues, EXPECTED[0]!)!)));
    assert.equal(new Set(lines).size, lines.length, 'a problem is reported once');
  });

  test('runs nothing for real: no write-back, no ledger row, no data changed, no statement left prepared', async () => {
    const before = await snapshot(broken.pool);
    await validateDatabase(bases.quebrada!);
    await validateDatabase(bases.demo!);
    assert.deepEqual(await snapshot(broken.pool), before);
    const ids = await clean.pool.query('SELECT count(*)::int AS n FROM contas WHERE id_erp IS NOT NULL');
    assert.equal(ids.rows[0].n, 0);
  });

  test('agrees with buildPlan: what a run would refuse, the validator reports with the same words', async () => {
    const rows = await readConfigRows(broken.pool);
    const report = await validateDatabase(bases.quebrada!);
    const lines = new Set(report.issues.map(formatIssue));
    // (a sql_update variable needs the query's columns: the run refuses it in queryRecords, with the same words)
    for (const id of [901, 902, 903, 904, 907]) {
      let refused: ConfigIssue[] = [];
      try {
        buildPlan(rows, { base: 'quebrada', empresaId: 1, empresaFilialId: null, integracaoId: id, params: { contaId: '1' } }, bases.quebrada!, {
          chunkSize: 10,
          maxChunksInFlight: 1,
        });
      } catch (err) {
        assert.ok(err instanceof ConfigError, `integracao ${id}: ${String(err)}`);
        refused = err.issues;
      }
      assert.ok(refused.length > 0, `buildPlan accepted integracao ${id}`);
      for (const issue of refused) assert.ok(lines.has(formatIssue(issue)), `integracao ${id}: validator lacks "${formatIssue(issue)}"`);
    }
  });

  test('the validate command prints one line per problem and exits 2; 0 on a clean base', async () => {
    const bad = await run(['validate', '--config', configPath, '--base', 'quebrada']);
    assert.equal(bad.code, 2, bad.stderr);
    for (const line of [
      'campos_integracao id=90201 campo_crm: is not valid JSON',
      'integracao id=909 consulta: SQL error 42703',
      'conexao_integracao id=7 nome_conexao: connection sapiens_producao',
    ]) {
      assert.ok(
        bad.stdout.split('\n').some((l) => l.startsWith(line)),
        `no line starting "${line}" in:\n${bad.stdout}`,
      );
    }
    assert.match(bad.stdout, /base quebrada: \d+ problems/);
    const good = await run(['validate', '--config', configPath, '--base', 'demo']);
    assert.equal(good.code, 0, good.stdout + good.stderr);
    assert.match(good.stdout, /base demo: no problems \(3 integrations checked\)/);
    const unknown = await run(['validate', '--config', configPath, '--base', 'nenhuma']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown base nenhuma/);
  });

  test('the plan command shows the order account → contact → order with components, as text and Mermaid', async () => {
    const text = await run(['plan', '--config', configPath, '--base', 'demo', '--integracao', '21']);
    assert.equal(text.code, 0, text.stderr);
    const order = [...text.stdout.matchAll(/^\s+\d\. (\d+) /gm)].map((m) => Number(m[1]));
    assert.deepEqual(order, [19, 21, 22]);
    assert.match(text.stdout, /after 19 \(integracao 21 dependente = 19\)/);
    assert.match(text.stdout, /after 21 \(integracao 21 depende_de = 22\)/);
    assert.match(text.stdout, /component 20 SET-WS-CONTAS-DEFINICOES/);
    assert.match(text.stdout, /component 23 SET-WS-PEDIDOS-PRODUTOS/);
    assert.match(text.stdout, /parameters the caller sends: contaId/);

    const mermaid = await run(['plan', '--config', configPath, '--base', 'demo', '--integracao', '21', '--format', 'mermaid']);
    assert.equal(mermaid.code, 0, mermaid.stderr);
    assert.match(mermaid.stdout, /^flowchart TD\n/);
    assert.match(mermaid.stdout, /i19 -->\|dependente\| i21/);
    assert.match(mermaid.stdout, /i21 -->\|depende_de\| i22/);
    assert.match(mermaid.stdout, /i21\["2 · 21 SET-WS-CONTATOS"\]:::requested/);
    assert.match(mermaid.stdout, /i22\["3 · 22 SET-WS-PEDIDOS"\]/);

    const cycle = await run(['plan', '--config', configPath, '--base', 'quebrada', '--integracao', '905']);
    assert.equal(cycle.code, 2);
    assert.match(cycle.stderr, /integracao id=906 dependente: dependencies form a cycle: 905 → 906 → 905/);
  });
});

// Issue 11, point 6: 41.depende_de = 42 and 42 uses #codCli#, which 41 captures. Every run that contains 42
// after 41 works; only asking for 42 alone would lack the variable, so that is a warning, and exit 0.
describe('integrador validate with a variable captured by the integration that brings another along', () => {
  let db: { url: string; pool: Pool };
  let dir: string;
  let configPath: string;
  let baseConfig: BaseConfig;

  before(async () => {
    db = await demoDatabase();
    await integracao(db.pool, 41, { nome: 'SET-WS-CONTAS-ENCADEADA', depende_de: 42 }); // captures codCli (indice_valor_retorno)
    await campo(db.pool, 4101, 41, 'parameters.dadosGeraisCliente.nomCli', { campo: 'nome' });
    await integracao(db.pool, 42, { nome: 'SET-WS-CONTAS-OBS' });
    await campo(db.pool, 4201, 42, 'parameters.dadosGeraisCliente.nomCli', { campo: 'nome' });
    await campo(db.pool, 4202, 42, 'parameters.dadosGeraisCliente.obsCli', { texto: 'cliente #codCli#' });
    dir = mkdtempSync(join(tmpdir(), 'integrador-validate-chain-'));
    configPath = join(dir, 'integrador.yaml');
    const token = createHash('sha256').update('validate-token').digest('hex');
    const yaml = `bases:\n  demo:\n    database: ${db.url}\n    tokens:\n      - sha256: ${token}\n    connections:\n      g5:\n        type: WS\n        url: http://127.0.0.1:9\n        args: { user: integrador, password: segredo, encryption: 0 }\n`;
    writeFileSync(configPath, yaml);
    baseConfig = parseConfig(yaml).bases.demo!;
  });
  after(async () => {
    await db?.pool.end();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('reports a warning naming 41, no problem, and the run of 41 (41 → 42) plans', async () => {
    const report = await validateDatabase(baseConfig);
    assert.deepEqual(report.issues.map(formatIssue), []);
    assert.deepEqual(report.warnings.map(formatIssue), [
      'campos_integracao id=4202 campo_crm: unknown variable #codCli# only when integracao 42 runs on its own; integracao 41 captures it first in the runs of integracao 41',
    ]);
    const rows = await readConfigRows(db.pool);
    const plan = buildPlan(rows, { base: 'demo', empresaId: 1, empresaFilialId: null, integracaoId: 41, params: { contaId: '1' } }, baseConfig, {
      chunkSize: 10,
      maxChunksInFlight: 1,
    });
    assert.deepEqual(
      plan.steps.map((step) => step.id),
      [41, 42],
    );
  });

  test('the validate command prints the warning and exits 0', async () => {
    const res = await run(['validate', '--config', configPath, '--base', 'demo']);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(
      res.stdout,
      /^warning: campos_integracao id=4202 campo_crm: unknown variable #codCli# only when integracao 42 runs on its own; integracao 41 captures it first/m,
    );
    assert.match(res.stdout, /base demo: no problems, 1 warning \(5 integrations checked\)/);
  });
});
