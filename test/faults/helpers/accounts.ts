// Many CRM accounts and a batch integration that sends them all, for fault tests and the benchmark.
// Integration 21 is integration 19 (SET-WS-CONTAS) selecting `c.id BETWEEN #de# AND #ate#`, and its
// write-back counts how many times it ran on each account (`contas.gravacoes`), so "written back exactly
// once" is a number, not a guess.
import type { Pool } from 'pg';
import { cnpjWithCheckDigits } from '../../../src/dev/demo-seed';

export const BATCH_INTEGRATION = 21;

/** Adds `count` accounts with valid CNPJs (two company rows each, as the demo's); returns their id range. */
export async function addAccounts(crm: Pool, count: number): Promise<{ first: number; last: number }> {
  await crm.query('ALTER TABLE contas ADD COLUMN IF NOT EXISTS gravacoes integer NOT NULL DEFAULT 0');
  const { rows } = await crm.query('SELECT COALESCE(max(id), 0)::int AS max FROM contas');
  const start: number = rows[0].max;
  const cnpjs = Array.from({ length: count }, (_, i) => cnpjWithCheckDigits(String(200000000000 + (start + i + 1) * 7).padStart(12, '0')));
  const inserted = await crm.query(
    `INSERT INTO contas (nome, fantasia, tipo_pessoa, cnpj, endereco, numero, bairro, cidade, uf, cep, telefone, email)
     SELECT 'Cliente ' || n || ' Ltda', 'Cliente ' || n, 'J', cnpj, 'Rua das Palmeiras', n::text, 'Centro', 'Blumenau', 'SC', '89010-001',
            '(47) 3322-1100', 'cliente' || n || '@example.com.br'
       FROM unnest($1::text[]) WITH ORDINALITY AS t(cnpj, n)
      ORDER BY n
     RETURNING id`,
    [cnpjs],
  );
  const ids: number[] = inserted.rows.map((r) => r.id);
  await crm.query(
    `INSERT INTO contas_empresas (conta_id, cod_emp, cod_fil, cod_rep)
     SELECT id, 1, fil, 12 FROM unnest($1::int[]) AS id, (VALUES (1), (2)) AS f(fil)`,
    [ids],
  );
  return { first: Math.min(...ids), last: Math.max(...ids) };
}

/** Integration 21: a copy of 19 (fields, rules, component 20) that sends every account in a range of ids. */
export async function addBatchIntegration(crm: Pool): Promise<void> {
  await crm.query('ALTER TABLE contas ADD COLUMN IF NOT EXISTS gravacoes integer NOT NULL DEFAULT 0');
  const consulta = JSON.stringify({
    consulta:
      'SELECT c.id, c.id_erp, c.nome, c.fantasia, c.tipo_pessoa, c.cnpj, c.endereco, c.numero, c.bairro, c.cidade, c.uf, c.cep, c.telefone, c.email FROM contas AS c WHERE c.id BETWEEN #de# AND #ate# ORDER BY c.id',
  });
  await crm.query(
    `INSERT INTO integrador.integracao (id, nome, tipo_servico, empresa_id, link, tabela, consulta, conexao_integracao_id, porta_ws,
       indice_array_retorno, indice_valor_retorno, indice_erro_retorno, sql_update, parametros_obrigatorios)
     SELECT $1, 'SET-WS-CONTAS-LOTE', tipo_servico, empresa_id, link, tabela, $2, conexao_integracao_id, porta_ws,
            indice_array_retorno, indice_valor_retorno, indice_erro_retorno,
            'UPDATE contas SET id_erp = #codCli#, gravacoes = gravacoes + 1 WHERE id = #id#', 'de,ate'
       FROM integrador.integracao WHERE id = 19`,
    [BATCH_INTEGRATION, consulta],
  );
  await crm.query(
    `INSERT INTO integrador.campos_integracao (id, integracao_id, campo_integracao, campo_crm)
     SELECT id + 2000, $1, campo_integracao, campo_crm FROM integrador.campos_integracao WHERE integracao_id = 19`,
    [BATCH_INTEGRATION],
  );
  await crm.query(
    `INSERT INTO integrador.regras (id, campos_integracao_id, tipo, parametro)
     SELECT r.id + 2000, r.campos_integracao_id + 2000, r.tipo, r.parametro
       FROM integrador.regras r JOIN integrador.campos_integracao c ON c.id = r.campos_integracao_id WHERE c.integracao_id = 19`,
  );
}
