// validateBase without a database: a fake SqlChecker stands for PostgreSQL's description of each query.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BaseConfig } from '../../../src/config/types';
import { formatIssue } from '../../../src/errors';
import type { ConfigRows } from '../../../src/model/types';
import { validateBase, type SqlChecker } from '../../../src/validate';
import { campo, componente, configRows, dependencia, integracao, regra } from '../builders';

const base: BaseConfig = {
  database: 'postgres://unused',
  tokens: [],
  connections: { g5: { type: 'WS', url: 'http://g5', args: {}, timeoutMs: 1000, concurrency: 1, safeToResend: false } },
};

/** Columns by the table a query reads (`FROM x`); an unknown table is the database's error. */
function fakeSql(tables: Record<string, string[]>): SqlChecker & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async columns(sql) {
      asked.push(sql);
      const table = /FROM (\w+)/i.exec(sql)?.[1] ?? '';
      const columns = tables[table];
      const failure = { code: '42P01', sqlClass: '42', message: `relation "${table}" does not exist` };
      return columns ? { ok: true, columns } : { ok: false, failure, message: `SQL error 42P01: ${failure.message}` };
    },
    async prepare(sql) {
      asked.push(`PREPARE ${sql}`);
      return /id_erpp/.test(sql) ? 'SQL error 42703: column "id_erpp" does not exist' : undefined;
    },
  };
}

const lines = async (rows: ConfigRows, sql?: SqlChecker) => (await validateBase(rows, base, sql)).issues.map(formatIssue);

describe('validateBase', () => {
  it('checks campo and CONDICAO columns, texto variables and lookups against what the query returns', async () => {
    const rows = configRows({
      integracoes: [
        integracao({ id: 1, parametros_obrigatorios: 'contaId', consulta: JSON.stringify({ consulta: 'SELECT * FROM contas WHERE id = #contaId#' }) }),
      ],
      campos: [
        campo({ id: 10, campo_integracao: 'p.a', campoCrm: { campo: 'nome' } }),
        campo({ id: 11, campo_integracao: 'p.b', campoCrm: { campo: 'apelido' } }),
        campo({ id: 12, campo_integracao: 'p.c', campoCrm: { texto: '#ddd# #fone#' } }),
        campo({ id: 13, campo_integracao: 'p.d', campoCrm: { campo: 'cidade_id' } }),
      ],
      regras: [regra({ id: 50, campos_integracao_id: 10, tipo: 'CONDICAO', parametro: '{"campo": "tipo", "igual": "J"}' })],
      dependencias: [dependencia({ id: 70, campos_integracao_id: 13, sql: 'SELECT codigo FROM cidades WHERE id = #cidade#' })],
    });
    assert.deepEqual(await lines(rows, fakeSql({ contas: ['id', 'nome', 'ddd', 'cidade_id'] })), [
      'campos_integracao id=11 campo_crm: column "apelido" is not returned by the CRM query',
      'campos_integracao id=12 campo_crm: unknown variable #fone#',
      'regras id=50 parametro: CONDICAO tests column "tipo", which the CRM query does not return',
      'dependencias id=70 consulta: unknown variable #cidade#',
    ]);
  });

  it('gives a component query the parent row and the component fields its own row', async () => {
    const rows = configRows({
      integracoes: [integracao({ id: 1, parametros_obrigatorios: 'contaId' }), componente(20, 'SELECT * FROM filiais WHERE conta = #id# AND x = #nome#')],
      campos: [
        campo({ id: 10, integracao_id: 1, campo_integracao: 'p.defs', campoCrm: { componente: 20 } }),
        campo({ id: 20, integracao_id: 20, campo_integracao: 'codFil', campoCrm: { campo: 'cod_fil' } }),
        campo({ id: 21, integracao_id: 20, campo_integracao: 'nome', campoCrm: { campo: 'nome' } }),
      ],
    });
    assert.deepEqual(await lines(rows, fakeSql({ contas: ['id', 'nome'], filiais: ['cod_fil'] })), [
      'campos_integracao id=21 campo_crm: column "nome" is not returned by the CRM query',
    ]);
  });

  it('knows what earlier integrations capture and checks sql_update with the captured names, prepared not run', async () => {
    const rows = configRows({
      integracoes: [
        integracao({ id: 1, indice_valor_retorno: 'codCli', parametros_obrigatorios: 'contaId' }),
        integracao({
          id: 2,
          dependente: 1,
          consulta: JSON.stringify({ consulta: 'SELECT * FROM contatos WHERE cli = #codCli#' }),
          indice_valor_retorno: 'seq',
          sql_update: 'UPDATE contatos SET id_erpp = #seq# WHERE id = #id#',
        }),
      ],
    });
    const sql = fakeSql({ contas: ['id'], contatos: ['id'] });
    assert.deepEqual(await lines(rows, sql), ['integracao id=2 sql_update: SQL error 42703: column "id_erpp" does not exist']);
    assert.ok(sql.asked.includes('PREPARE UPDATE contatos SET id_erpp = #seq# WHERE id = #id#'));
  });

  it('reports SQL the database refuses, and without a database only the static problems', async () => {
    const rows = configRows({
      integracoes: [integracao({ id: 1, consulta: JSON.stringify({ consulta: 'SELECT * FROM contass' }) }), integracao({ id: 2, tipo_servico: 'INFO' })],
    });
    assert.deepEqual(await lines(rows, fakeSql({})), [
      'integracao id=1 consulta: SQL error 42P01: relation "contass" does not exist',
      'integracao id=2 tipo_servico: INFO is not run by this engine (only SET)',
    ]);
    assert.deepEqual(await lines(rows), ['integracao id=2 tipo_servico: INFO is not run by this engine (only SET)']);
  });

  it('checks a broken graph leniently: one cycle issue, not an unknown variable per captured name', async () => {
    const rows = configRows({
      integracoes: [
        integracao({ id: 1, dependente: 2, indice_valor_retorno: 'codCli', parametros_obrigatorios: 'contaId' }),
        integracao({ id: 2, dependente: 1, consulta: JSON.stringify({ consulta: 'SELECT * FROM contas WHERE id = #codCli#' }) }),
      ],
    });
    const found = await lines(rows);
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /dependencies form a cycle/);
  });

  describe('a variable captured by the integration that brings another along', () => {
    const contas = (overrides: Parameters<typeof integracao>[0]) =>
      integracao({ parametros_obrigatorios: 'contaId', consulta: JSON.stringify({ consulta: 'SELECT * FROM contas WHERE id = #contaId#' }), ...overrides });
    const sql = () => fakeSql({ contas: ['id', 'nome'] });

    it('warns, naming the provider, when 42 lacks #codCli# only when run on its own (41.depende_de = 42)', async () => {
      const rows = configRows({
        integracoes: [contas({ id: 41, indice_valor_retorno: 'codCli', depende_de: 42 }), contas({ id: 42 })],
        campos: [campo({ id: 4201, integracao_id: 42, campo_integracao: 'p.obs', campoCrm: { texto: 'cliente #codCli#' } })],
      });
      const report = await validateBase(rows, base, sql());
      assert.deepEqual(report.issues.map(formatIssue), []);
      assert.deepEqual(report.warnings.map(formatIssue), [
        'campos_integracao id=4201 campo_crm: unknown variable #codCli# only when integracao 42 runs on its own; integracao 41 captures it first in the runs of integracao 41',
      ]);
      assert.deepEqual(report.checked, [41, 42]);
    });

    it('warns about a consulta too, with or without a database', async () => {
      const rows = configRows({
        integracoes: [
          contas({ id: 41, indice_valor_retorno: 'codCli', depende_de: 42 }),
          integracao({ id: 42, consulta: JSON.stringify({ consulta: 'SELECT * FROM contas WHERE id_erp = #codCli#' }) }),
        ],
      });
      for (const checker of [sql(), undefined]) {
        const report = await validateBase(rows, base, checker);
        assert.deepEqual(report.issues.map(formatIssue), []);
        assert.deepEqual(report.warnings.map(formatIssue), [
          'integracao id=42 consulta: unknown variable #codCli# only when integracao 42 runs on its own; integracao 41 captures it first in the runs of integracao 41',
        ]);
      }
    });

    it('is an error when another run that brings 42 along lacks it as well', async () => {
      const rows = configRows({
        integracoes: [contas({ id: 41, indice_valor_retorno: 'codCli', depende_de: 42 }), contas({ id: 42 }), contas({ id: 43, depende_de: 42 })],
        campos: [campo({ id: 4202, integracao_id: 42, campo_integracao: 'p.obs', campoCrm: { texto: 'cliente #codCli#' } })],
      });
      const report = await validateBase(rows, base, sql());
      assert.deepEqual(report.issues.map(formatIssue), ['campos_integracao id=4202 campo_crm: unknown variable #codCli#']);
      assert.deepEqual(report.warnings, []);
    });

    it('is an error when nothing provides it', async () => {
      const rows = configRows({
        integracoes: [contas({ id: 41, depende_de: 42 }), contas({ id: 42 })],
        campos: [campo({ id: 4203, integracao_id: 42, campo_integracao: 'p.obs', campoCrm: { texto: 'cliente #codCli#' } })],
      });
      const report = await validateBase(rows, base, sql());
      assert.deepEqual(report.issues.map(formatIssue), ['campos_integracao id=4203 campo_crm: unknown variable #codCli#']);
      assert.deepEqual(report.warnings, []);
    });

    it('names every run that would lack it along a chain 41 → 42 → 43', async () => {
      const rows = configRows({
        integracoes: [contas({ id: 41, indice_valor_retorno: 'codCli', depende_de: 42 }), contas({ id: 42, depende_de: 43 }), contas({ id: 43 })],
        campos: [campo({ id: 4301, integracao_id: 43, campo_integracao: 'p.obs', campoCrm: { texto: 'cliente #codCli#' } })],
      });
      const report = await validateBase(rows, base, sql());
      assert.deepEqual(report.issues.map(formatIssue), []);
      assert.deepEqual(report.warnings.map(formatIssue), [
        'campos_integracao id=4301 campo_crm: unknown variable #codCli# only when integracao 42 or 43 runs on its own; integracao 41 captures it first in the runs of integracao 41',
      ]);
    });

    it('keeps a real problem of 42 an error while its lack of #codCli# is a warning', async () => {
      const rows = configRows({
        integracoes: [contas({ id: 41, indice_valor_retorno: 'codCli', depende_de: 42 }), contas({ id: 42 })],
        campos: [
          campo({ id: 4204, integracao_id: 42, campo_integracao: 'p.obs', campoCrm: { texto: 'cliente #codCli#' } }),
          campo({ id: 4205, integracao_id: 42, campo_integracao: 'p.ape', campoCrm: { campo: 'apelido' } }),
        ],
      });
      const report = await validateBase(rows, base, sql());
      assert.deepEqual(report.issues.map(formatIssue), ['campos_integracao id=4205 campo_crm: column "apelido" is not returned by the CRM query']);
      assert.equal(report.warnings.length, 1);
    });
  });
});
