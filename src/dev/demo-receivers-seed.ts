// Demo integrations for the REST and database receivers, over the demo CRM of demo-seed.ts (`contas`):
//   30 SET-API-CONTAS       POST /clientes on the REST receiver (rest-receiver.ts), id written back
//   31 SET-DB-CONTAS        INSERT INTO erp_clientes on a PostgreSQL "ERP" database, codigo written back
//   32 SET-API-CONTAS-PUT   PUT /clientes/#id_erp#: updates a customer already sent (link variables)
// and the receiver table of the "ERP" database (createErpReceiverTable), which validates like an ERP would.
import type { Pool } from 'pg';

export interface ReceiverConnectionNames {
  /** nome_conexao of the API connection (connection file entry of type API). */
  api: string;
  /** nome_conexao of the DB connection (connection file entry of type DB). */
  db: string;
}

export const API_CONEXAO_ID = 4;
export const DB_CONEXAO_ID = 5;

// `id` would shadow a captured `id` (SPEC §4: the row's columns resolve first), so the CRM id is conta_id
// here and the REST answer's `id` reaches sql_update intact.
const API_CONSULTA =
  'SELECT c.id AS conta_id, c.nome, c.fantasia, c.tipo_pessoa, c.cnpj, c.endereco, c.numero, c.bairro, c.cidade, c.uf, c.cep, c.telefone, c.email FROM contas AS c WHERE c.id = #contaId#';
const DB_CONSULTA = 'SELECT c.id, c.nome, c.fantasia, c.cnpj, c.cidade, c.uf, c.email FROM contas AS c WHERE c.id = #contaId#';

export async function seedReceiverIntegrations(pool: Pool, names: ReceiverConnectionNames = { api: 'rest', db: 'erp_db' }): Promise<void> {
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM integrador.integracao WHERE id IN (30, 31, 32)');
  if (rows[0].n > 0) return;
  await pool.query('INSERT INTO integrador.conexao_integracao (id, tipo_conexao, nome_conexao) VALUES ($1, $2, $3), ($4, $5, $6)', [
    API_CONEXAO_ID,
    'API',
    names.api,
    DB_CONEXAO_ID,
    'DB',
    names.db,
  ]);
  const integracoes: Array<[number, string, string, string, number, string | null, string, string | null, string]> = [
    // id, nome, link, consulta, conexao, indice_array_retorno, indice_valor_retorno, indice_erro_retorno, sql_update
    [
      30,
      'SET-API-CONTAS',
      'POST /clientes',
      API_CONSULTA,
      API_CONEXAO_ID,
      null,
      'id',
      'status!=OK,mensagem',
      'UPDATE contas SET id_erp = #id# WHERE id = #contaId#',
    ],
    [31, 'SET-DB-CONTAS', 'erp_clientes', DB_CONSULTA, DB_CONEXAO_ID, null, 'codigo', null, 'UPDATE contas SET id_erp = #codigo# WHERE id = #contaId#'],
    [
      32,
      'SET-API-CONTAS-PUT',
      'PUT /clientes/#id_erp#',
      `${API_CONSULTA.replace('SELECT ', 'SELECT c.id_erp, ')} AND c.id_erp IS NOT NULL`,
      API_CONEXAO_ID,
      null,
      'id',
      'status!=OK,mensagem',
      'UPDATE contas SET atualizado_em = now() WHERE id = #contaId#',
    ],
  ];
  for (const [id, nome, link, consulta, conexao, arrayKey, valueKeys, errorKeys, sqlUpdate] of integracoes) {
    await pool.query(
      `INSERT INTO integrador.integracao (id, nome, tipo_servico, empresa_id, link, tabela, consulta, conexao_integracao_id,
         indice_array_retorno, indice_valor_retorno, indice_erro_retorno, sql_update, parametros_obrigatorios)
       VALUES ($1, $2, 'SET', 1, $3, 'contas', $4, $5, $6, $7, $8, $9, 'contaId')`,
      [id, nome, link, JSON.stringify({ consulta }), conexao, arrayKey, valueKeys, errorKeys, sqlUpdate],
    );
  }
  const apiFields = (integracao: number, base: number): Array<[number, number, string, object]> => [
    [base + 1, integracao, 'nome', { campo: 'nome', obrigatorio: true }],
    [base + 2, integracao, 'fantasia', { campo: 'fantasia' }],
    [base + 3, integracao, 'tipoPessoa', { campo: 'tipo_pessoa' }],
    [base + 4, integracao, 'documento', { campo: 'cnpj', obrigatorio: true }],
    [base + 5, integracao, 'endereco.logradouro', { campo: 'endereco' }],
    [base + 6, integracao, 'endereco.numero', { campo: 'numero' }],
    [base + 7, integracao, 'endereco.bairro', { campo: 'bairro' }],
    [base + 8, integracao, 'endereco.cidade', { campo: 'cidade' }],
    [base + 9, integracao, 'endereco.uf', { campo: 'uf' }],
    [base + 10, integracao, 'endereco.cep', { campo: 'cep' }],
    [base + 11, integracao, 'contato.telefone', { campo: 'telefone' }],
    [base + 12, integracao, 'contato.email', { campo: 'email' }],
    [base + 13, integracao, 'idExterno', { campo: 'conta_id', tipo: 'inteiro' }],
  ];
  const campos: Array<[number, number, string, object]> = [
    ...apiFields(30, 3000),
    [3101, 31, 'nome', { campo: 'nome', obrigatorio: true }],
    [3102, 31, 'fantasia', { campo: 'fantasia' }],
    [3103, 31, 'documento', { campo: 'cnpj', obrigatorio: true }],
    [3104, 31, 'cidade', { campo: 'cidade' }],
    [3105, 31, 'uf', { campo: 'uf' }],
    [3106, 31, 'email', { campo: 'email' }],
    [3107, 31, 'id_externo', { campo: 'id', tipo: 'inteiro' }],
    ...apiFields(32, 3200),
  ];
  for (const [id, integracao, path, crm] of campos) {
    await pool.query('INSERT INTO integrador.campos_integracao (id, integracao_id, campo_integracao, campo_crm) VALUES ($1, $2, $3, $4)', [
      id,
      integracao,
      path,
      JSON.stringify(crm),
    ]);
  }
  // documents and CEPs go as digits only, as most ERPs want them
  await pool.query(
    `INSERT INTO integrador.regras (id, campos_integracao_id, tipo, parametro)
     VALUES (300, 3004, 'SOMENTE_DIGITOS', NULL), (301, 3010, 'SOMENTE_DIGITOS', NULL), (302, 3103, 'SOMENTE_DIGITOS', NULL),
            (303, 3204, 'SOMENTE_DIGITOS', NULL), (304, 3210, 'SOMENTE_DIGITOS', NULL)`,
  );
}

/**
 * The receiver table of the demo "ERP" database: `erp_clientes`, codes from 7001, a unique document, and a
 * trigger that refuses an invalid CNPJ/CPF with SQLSTATE 23514 (a business error, as an ERP would) and can
 * be slowed down through `erp_controle.atraso_ms` for timeout tests.
 */
export async function createErpReceiverTable(pool: Pool): Promise<void> {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS erp_controle (id boolean PRIMARY KEY DEFAULT true CHECK (id), atraso_ms integer NOT NULL DEFAULT 0);
    INSERT INTO erp_controle (id) VALUES (true) ON CONFLICT DO NOTHING;
    CREATE SEQUENCE IF NOT EXISTS erp_clientes_codigo START 7001;
    CREATE TABLE IF NOT EXISTS erp_clientes (
      codigo integer PRIMARY KEY DEFAULT nextval('erp_clientes_codigo'),
      nome text NOT NULL,
      fantasia text,
      documento text NOT NULL UNIQUE,
      cidade text,
      uf char(2),
      email text,
      id_externo integer,
      criado_em timestamptz NOT NULL DEFAULT clock_timestamp()
    );
    CREATE OR REPLACE FUNCTION erp_documento_valido(d text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
    DECLARE
      n int[]; w1 int[]; w2 int[]; s int; r int; len int := length(d);
    BEGIN
      IF d !~ '^([0-9]{11}|[0-9]{14})$' OR d ~ '^(.)\\1*$' THEN RETURN false; END IF;
      n := regexp_split_to_array(d, '')::int[];
      IF len = 11 THEN w1 := ARRAY[10,9,8,7,6,5,4,3,2]; w2 := ARRAY[11,10,9,8,7,6,5,4,3,2];
      ELSE w1 := ARRAY[5,4,3,2,9,8,7,6,5,4,3,2]; w2 := ARRAY[6,5,4,3,2,9,8,7,6,5,4,3,2]; END IF;
      s := 0; FOR i IN 1..array_length(w1, 1) LOOP s := s + n[i] * w1[i]; END LOOP;
      r := s % 11; IF (CASE WHEN r < 2 THEN 0 ELSE 11 - r END) <> n[len - 1] THEN RETURN false; END IF;
      s := 0; FOR i IN 1..array_length(w2, 1) LOOP s := s + n[i] * w2[i]; END LOOP;
      r := s % 11; RETURN (CASE WHEN r < 2 THEN 0 ELSE 11 - r END) = n[len];
    END $$;
    CREATE OR REPLACE FUNCTION erp_clientes_antes() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE atraso integer;
    BEGIN
      SELECT atraso_ms INTO atraso FROM erp_controle;
      IF atraso > 0 THEN PERFORM pg_sleep(atraso / 1000.0); END IF;
      IF NOT erp_documento_valido(NEW.documento) THEN
        RAISE EXCEPTION 'CNPJ/CPF inválido: %', NEW.documento USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$;
    DROP TRIGGER IF EXISTS erp_clientes_antes ON erp_clientes;
    CREATE TRIGGER erp_clientes_antes BEFORE INSERT ON erp_clientes FOR EACH ROW EXECUTE FUNCTION erp_clientes_antes();
  `);
}
