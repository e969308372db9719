// Broken configuration rows, seeded into the demo CRM: every one is refused before anything is sent, with
// an issue naming the table, the row id and the column to fix.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../../src/config/load-config';
import { ConfigError } from '../../../src/errors';
import type { AttackEnv } from '../helpers/attack-env';
import { campoId, copyOf19, setCampoCrm } from '../helpers/broken-rows';
import { ask, integrar, refused, type Expected, type Tally } from '../helpers/probe';

const AREA = 'configuration';

export function configurationCases(ctx: { env: () => AttackEnv; tally: Tally }) {
  const { tally } = ctx;
  /** Seeds with `seed`, asks for integration `id`, expects a clear refusal with nothing sent or written. */
  const refuses = (name: string, id: number, seed: (env: AttackEnv) => Promise<void>, expected: Expected): void =>
    void test(name, async () => {
      const env = ctx.env();
      await seed(env);
      await refused(env, tally, AREA, () => integrar(env, ask({ integracao_servico_id: id })), expected);
    });
  /** 422 whose message names table, id and column, with the same located issue in `issues`. */
  const c422 = (table: string, row: number, column: string, message: RegExp): Expected => ({
    status: 422,
    message: new RegExp(`${table} id=${row} ${column}: .*${message.source}`),
    issue: { table, row, column, message },
  });
  /**
   * A problem found when the run queries the CRM (after the plan was built): the run's message names the
   * integration, table, id and column. The answer has no `issues` list for these (known-defects.ts).
   */
  const c422run = (integracao: number, table: string, row: number, column: string, message: RegExp): Expected => ({
    status: 422,
    message: new RegExp(`integracao ${integracao} \\(ATK-${integracao}\\) failed: ${table} id=${row} ${column}: .*${message.source}`),
  });

  refuses(
    'malformed JSON in integracao.consulta names the row and column',
    500,
    (env) => copyOf19(env.crm, 500, { consulta: '{"consulta": "SELECT * FROM contas WHERE id = #contaId#"' }),
    c422('integracao', 500, 'consulta', /JSON/i),
  );
  refuses(
    'integracao.consulta that is JSON but not {"consulta": ...} is refused',
    501,
    (env) => copyOf19(env.crm, 501, { consulta: '["SELECT 1"]' }),
    c422('integracao', 501, 'consulta', /consulta/),
  );
  refuses(
    'malformed JSON in campos_integracao.campo_crm names the field row',
    502,
    async (env) => {
      await copyOf19(env.crm, 502);
      await setCampoCrm(env.crm, campoId(502, 101), '{campo: nome}');
    },
    c422('campos_integracao', campoId(502, 101), 'campo_crm', /JSON/i),
  );
  refuses(
    'campo_crm with two sources is refused',
    503,
    async (env) => {
      await copyOf19(env.crm, 503);
      await setCampoCrm(env.crm, campoId(503, 102), '{"campo": "fantasia", "valor": "X"}');
    },
    c422('campos_integracao', campoId(503, 102), 'campo_crm', /"campo", "valor"/),
  );
  refuses(
    'an unknown variable in consulta is refused before the query runs',
    504,
    (env) => copyOf19(env.crm, 504, { consulta: JSON.stringify({ consulta: 'SELECT * FROM contas c WHERE c.id = #contaIdd#' }) }),
    c422('integracao', 504, 'consulta', /unknown variable #contaIdd#/),
  );
  refuses(
    'an unknown variable in a campo_crm template is refused before sending',
    505,
    async (env) => {
      await copyOf19(env.crm, 505);
      await setCampoCrm(env.crm, campoId(505, 102), '{"texto": "#fantasia# #apelido_inexistente#"}');
    },
    c422run(505, 'campos_integracao', campoId(505, 102), 'campo_crm', /unknown variable #apelido_inexistente#/),
  );
  refuses(
    'an unknown variable in sql_update is refused before sending',
    506,
    (env) => copyOf19(env.crm, 506, { sql_update: 'UPDATE contas SET id_erp = #codigoErp# WHERE id = #contaId#' }),
    c422run(506, 'integracao', 506, 'sql_update', /unknown variable #codigoErp#/),
  );
  refuses(
    'a conexao_integracao_id that does not exist is refused',
    507,
    (env) => copyOf19(env.crm, 507, { conexao_integracao_id: 99 }),
    c422('integracao', 507, 'conexao_integracao_id', /conexao_integracao 99 does not exist/),
  );
  refuses(
    'a connection name missing from the connection file is refused',
    508,
    async (env) => {
      await env.crm.query(`INSERT INTO integrador.conexao_integracao (id, tipo_conexao, nome_conexao) VALUES (60, 'WS', 'erp_que_nao_existe')`);
      await copyOf19(env.crm, 508, { conexao_integracao_id: 60 });
    },
    c422('conexao_integracao', 60, 'nome_conexao', /erp_que_nao_existe is not in the connection file/),
  );
  refuses(
    'a connection whose type differs from the connection file is refused (API vs WS)',
    509,
    async (env) => {
      await env.crm.query(`INSERT INTO integrador.conexao_integracao (id, tipo_conexao, nome_conexao) VALUES (61, 'API', 'g5')`);
      await copyOf19(env.crm, 509, { conexao_integracao_id: 61 });
    },
    c422('conexao_integracao', 61, 'tipo_conexao', /is API but connection g5 in the connection file is WS/),
  );
  refuses(
    'a connection whose type differs from the connection file is refused (DB vs API)',
    510,
    async (env) => {
      await env.crm.query(`INSERT INTO integrador.conexao_integracao (id, tipo_conexao, nome_conexao) VALUES (62, 'DB', 'api')`);
      await copyOf19(env.crm, 510, { conexao_integracao_id: 62, link: 'clientes' });
    },
    c422('conexao_integracao', 62, 'tipo_conexao', /is DB but connection api in the connection file is API/),
  );
  refuses(
    'an unknown tipo_conexao is refused',
    511,
    async (env) => {
      await env.crm.query(`INSERT INTO integrador.conexao_integracao (id, tipo_conexao, nome_conexao) VALUES (63, 'FTP', 'g5')`);
      await copyOf19(env.crm, 511, { conexao_integracao_id: 63 });
    },
    c422('conexao_integracao', 63, 'tipo_conexao', /unknown type FTP/),
  );
  refuses(
    'a dependency cycle is refused naming both ids',
    512,
    async (env) => {
      await copyOf19(env.crm, 512, { dependente: 513 });
      await copyOf19(env.crm, 513, { dependente: 512 });
    },
    { status: 422, message: /cycle: 51[23] → 51[23] → 51[23].*integracao ids 512, 513/, issue: { table: 'integracao', message: /cycle/ } },
  );
  refuses('a dependente pointing nowhere is refused naming the missing id', 514, (env) => copyOf19(env.crm, 514, { dependente: 9999 }), {
    status: 422,
    message: /9999/,
    issue: { table: 'integracao', row: 514, column: 'dependente' },
  });
  refuses('a depende_de pointing nowhere is refused naming the missing id', 515, (env) => copyOf19(env.crm, 515, { depende_de: 9998 }), {
    status: 422,
    message: /9998/,
    issue: { table: 'integracao', row: 515, column: 'depende_de' },
  });
  refuses(
    'a component pointing nowhere is refused naming the field',
    516,
    async (env) => {
      await copyOf19(env.crm, 516);
      await setCampoCrm(env.crm, campoId(516, 118), '{"componente": 9997}');
    },
    c422('campos_integracao', campoId(516, 118), 'campo_crm', /integracao 9997 does not exist/),
  );
  refuses(
    'a component pointing at an integration that is not a component is refused',
    517,
    async (env) => {
      await copyOf19(env.crm, 517);
      await setCampoCrm(env.crm, campoId(517, 118), '{"componente": 19}');
    },
    c422('campos_integracao', campoId(517, 118), 'campo_crm', /integracao 19 is not a component/),
  );
  refuses(
    'components that contain themselves are refused as a cycle',
    518,
    async (env) => {
      await copyOf19(env.crm, 518);
      await copyOf19(env.crm, 519, { link: 'componente', conexao_integracao_id: null });
      await setCampoCrm(env.crm, campoId(518, 118), '{"componente": 519}');
      await setCampoCrm(env.crm, campoId(519, 118), '{"componente": 519}');
    },
    { status: 422, message: /components form a cycle: 519 → 519/, issue: { table: 'campos_integracao', row: campoId(519, 118), column: 'campo_crm' } },
  );
  refuses('a requested integration with tipo_servico GET is refused (400, names tipo_servico)', 520, (env) => copyOf19(env.crm, 520, { tipo_servico: 'GET' }), {
    status: 400,
    message: /integracao 520 has tipo_servico "GET"; this engine runs SET integrations only/,
    parameter: 'integracao_servico_id',
  });
  refuses(
    'a dependency with tipo_servico INFO is refused (422, names its row)',
    521,
    async (env) => {
      await copyOf19(env.crm, 521, { dependente: 522 });
      await copyOf19(env.crm, 522, { tipo_servico: 'INFO' });
    },
    c422('integracao', 522, 'tipo_servico', /tipo_servico "INFO"; only SET integrations can run/),
  );
  refuses(
    'an unknown regras.tipo is refused',
    523,
    async (env) => {
      await copyOf19(env.crm, 523);
      await env.crm.query(`INSERT INTO integrador.regras (id, campos_integracao_id, tipo, parametro) VALUES (52399, $1, 'XPTO', NULL)`, [campoId(523, 101)]);
    },
    { status: 422, message: /regras id=52399/, issue: { table: 'regras', row: 52399 } },
  );
  refuses(
    'malformed JSON in dependencias.consulta is refused',
    524,
    async (env) => {
      await copyOf19(env.crm, 524);
      await env.crm.query(`INSERT INTO integrador.dependencias (id, campos_integracao_id, consulta) VALUES (524, $1, '{"consulta": SELECT 1}')`, [
        campoId(524, 112),
      ]);
    },
    c422('dependencias', 524, 'consulta', /JSON/i),
  );
  refuses(
    'a comparison in indice_valor_retorno is refused',
    525,
    (env) => copyOf19(env.crm, 525, { indice_valor_retorno: 'codCli=1' }),
    c422('integracao', 525, 'indice_valor_retorno', /value keys take no comparison/),
  );

  // SQL errors in consulta are found when the plan is checked against the CRM (described, never run)
  refuses(
    'an SQL syntax error in consulta is a 422 naming the column and SQLSTATE 42601',
    526,
    (env) => copyOf19(env.crm, 526, { consulta: JSON.stringify({ consulta: 'SELEC * FROM contas WHERE id = #contaId#' }) }),
    c422('integracao', 526, 'consulta', /SQL error 42601/),
  );
  refuses(
    'a missing table in consulta is a 422 naming SQLSTATE 42P01',
    527,
    (env) => copyOf19(env.crm, 527, { consulta: JSON.stringify({ consulta: 'SELECT * FROM contas_que_nao_existem WHERE id = #contaId#' }) }),
    c422('integracao', 527, 'consulta', /SQL error 42P01/),
  );
  refuses(
    'a missing column in consulta is a 422 naming SQLSTATE 42703',
    528,
    (env) => copyOf19(env.crm, 528, { consulta: JSON.stringify({ consulta: 'SELECT c.id, c.coluna_errada FROM contas c WHERE c.id = #contaId#' }) }),
    c422('integracao', 528, 'consulta', /SQL error 42703/),
  );
  refuses(
    'an SQL error in sql_update is a 422 found before anything is sent (the statement is only prepared)',
    529,
    (env) => copyOf19(env.crm, 529, { sql_update: 'UPDATE contas SET id_erp = #codCli# WHER id = #contaId#' }),
    c422('integracao', 529, 'sql_update', /SQL error 42601/),
  );

  // the connection file: refused at start, every issue located, no secret echoed
  const base = (connections: Record<string, unknown>, tokens: unknown[] = [{ sha256: 'a'.repeat(64) }]) =>
    JSON.stringify({ bases: { demo: { database: 'postgres://u:db-secret-pw@127.0.0.1/crm', tokens, connections } } });
  const fileRefuses = (name: string, text: string, column: RegExp | undefined, message: RegExp): void =>
    void test(`connection file: ${name}`, () => {
      tally.input(AREA);
      let error: unknown;
      try {
        parseConfig(text, { G5_PASSWORD: 'g5-file-secret' });
      } catch (err) {
        error = err;
      }
      assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
      const hit = error.issues.find((i) => i.table === 'connection file' && (column === undefined || column.test(i.column ?? '')) && message.test(i.message));
      assert.ok(hit, JSON.stringify(error.issues));
      assert.doesNotMatch(error.message, /db-secret-pw|g5-file-secret|hunter2/);
      tally.clearError(AREA);
    });
  fileRefuses('invalid YAML', 'bases: [demo: {', undefined, /invalid YAML: .* at line 1, column 16$/);
  fileRefuses(
    'invalid YAML on a password line does not quote the line',
    'bases:\n  demo:\n    connections:\n      g5: { type: WS, args: { password: "hunter2 } }\n',
    undefined,
    /invalid YAML: Missing closing "quote at line 5, column 1$/,
  );
  fileRefuses(
    'invalid YAML next to a database URL does not quote it',
    'bases:\n  demo:\n    database: postgres://u:hunter2@h/db\n   tokens: x\n',
    undefined,
    /invalid YAML: .* at line 4, column 1$/,
  );
  fileRefuses(
    'a ${VARIABLE} that is not set',
    base({ g5: { type: 'WS', url: 'http://erp', args: { password: '${G5_SENHA}' } } }),
    /^bases\.demo\.connections\.g5\.args\.password$/,
    /environment variable G5_SENHA is not set/,
  );
  fileRefuses('an unknown connection type', base({ ftp: { type: 'FTP', url: 'ftp://erp' } }), /^bases\.demo\.connections\.ftp/, /./);
  fileRefuses('a token with both sha256 and env', base({}, [{ sha256: 'b'.repeat(64), env: 'X' }]), /^bases\.demo\.tokens\.0/, /exactly one of sha256 or env/);
  fileRefuses(
    'a URL that is not a URL does not echo the secret in it',
    base({ g5: { type: 'WS', url: 'hunter2 is not a url', args: { password: '${G5_PASSWORD}' } } }),
    /^bases\.demo\.connections\.g5\.url$/,
    /./,
  );
  fileRefuses(
    'an unknown key (a typo) is refused',
    base({ g5: { type: 'WS', url: 'http://erp', timeoutMS: 5 } }),
    /^bases\.demo\.connections\.g5/,
    /timeoutMS/,
  );
}
