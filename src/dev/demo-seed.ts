// The demo CRM: accounts with realistic Brazilian data, and the seed's integration 19 (SET-WS-CONTAS,
// SPEC §10) sending them to a G5-like SOAP receiver, with component 20 for `definicoesCliente`.
import type { Pool } from 'pg';

/** Appends the two check digits of a CNPJ (12 digits in). */
export function cnpjWithCheckDigits(twelve: string): string {
  const digit = (base: string) => {
    const weights = base.length === 12 ? [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] : [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    const sum = [...base].reduce((acc, d, i) => acc + Number(d) * weights[i]!, 0);
    const rest = sum % 11;
    return rest < 2 ? '0' : String(11 - rest);
  };
  const first = twelve + digit(twelve);
  return first + digit(first);
}

function formatCnpj(digits: string): string {
  return digits.replace(/^(\d{2})(\d{3})(\d{3})(\d{4})(\d{2})$/, '$1.$2.$3/$4-$5');
}

const ACCOUNTS: Array<[string, string, string, string, string, string, string, string, string, string]> = [
  // nome, fantasia, cnpj base (12 digits), endereço, número, bairro, cidade, uf, cep, telefone
  ['Padaria Pão Dourado Ltda', 'Pão Dourado', '112223330001', 'Rua XV de Novembro', '1200', 'Centro', 'Blumenau', 'SC', '89010-001', '(47) 3322-1100'],
  ['Comercial Açaí da Amazônia S.A.', 'Açaí Amazônia', '045678900001', 'Avenida Presidente Vargas', '455', 'Campina', 'Belém', 'PA', '66017-000', '(91) 3241-7788'],
  ['Metalúrgica São João Indústria e Comércio Ltda', 'Metal São João', '073456120001', 'Rodovia BR-101, km 32', 's/n', 'Distrito Industrial', 'Joinville', 'SC', '89219-600', '(47) 3027-4500'],
  ['Farmácia Saúde & Vida Eireli', 'Saúde & Vida', '289341560001', 'Rua das Flores', '87', 'Batel', 'Curitiba', 'PR', '80420-120', '(41) 3015-2233'],
  ['Transportadora Rápido Sul Ltda', 'Rápido Sul', '331245670001', 'Avenida Assis Brasil', '3940', 'Sarandi', 'Porto Alegre', 'RS', '91110-000', '(51) 3344-9090'],
];

export async function seedDemoCrm(pool: Pool): Promise<void> {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS contas (
      id serial PRIMARY KEY,
      nome text NOT NULL,
      fantasia text,
      tipo_pessoa char(1) NOT NULL DEFAULT 'J',
      cnpj text,
      endereco text, numero text, bairro text, cidade text, uf char(2), cep text,
      telefone text, email text,
      id_erp text,
      atualizado_em timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE IF NOT EXISTS contas_empresas (
      id serial PRIMARY KEY,
      conta_id integer NOT NULL REFERENCES contas (id),
      cod_emp integer NOT NULL,
      cod_fil integer NOT NULL,
      cod_rep integer
    );`);
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM contas');
  if (rows[0].n > 0) return;
  for (const [nome, fantasia, cnpj, endereco, numero, bairro, cidade, uf, cep, telefone] of ACCOUNTS) {
    const email = `contato@${fantasia.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}.com.br`;
    const inserted = await pool.query(
      `INSERT INTO contas (nome, fantasia, tipo_pessoa, cnpj, endereco, numero, bairro, cidade, uf, cep, telefone, email)
       VALUES ($1, $2, 'J', $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [nome, fantasia, formatCnpj(cnpjWithCheckDigits(cnpj)), endereco, numero, bairro, cidade, uf, cep, telefone, email],
    );
    await pool.query('INSERT INTO contas_empresas (conta_id, cod_emp, cod_fil, cod_rep) VALUES ($1, 1, 1, 12), ($1, 1, 2, 12)', [inserted.rows[0].id]);
  }
  // an account whose CNPJ has wrong check digits: the receiver refuses it, to show a business error
  await pool.query(
    `INSERT INTO contas (nome, fantasia, tipo_pessoa, cnpj, endereco, numero, bairro, cidade, uf, cep, telefone, email)
     VALUES ('Mercado Bom Preço Ltda', 'Bom Preço', 'J', '12.345.678/0001-00', 'Rua Direita', '10', 'Centro', 'Salvador', 'BA', '40020-000', '(71) 3321-0000', 'contato@bompreco.com.br')`,
  );
}

/** The consultant's rows for integration 19 and its component 20. `conexao` names the connection file entry. */
export async function seedDemoIntegration(pool: Pool, conexao = 'g5'): Promise<void> {
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM integrador.integracao');
  if (rows[0].n > 0) return;
  await pool.query('INSERT INTO integrador.conexao_integracao (id, tipo_conexao, nome_conexao) VALUES (3, $1, $2)', ['WS', conexao]);
  const consulta = JSON.stringify({
    consulta:
      'SELECT c.id, c.id_erp, c.nome, c.fantasia, c.tipo_pessoa, c.cnpj, c.endereco, c.numero, c.bairro, c.cidade, c.uf, c.cep, c.telefone, c.email FROM contas AS c WHERE c.id = #contaId#',
  });
  await pool.query(
    `INSERT INTO integrador.integracao (id, nome, tipo_servico, empresa_id, link, tabela, consulta, conexao_integracao_id, porta_ws,
       indice_array_retorno, indice_valor_retorno, indice_erro_retorno, sql_update, parametros_obrigatorios)
     VALUES (19, 'SET-WS-CONTAS', 'SET', 1, '/g5-senior-services/sapiens_Synccom_senior_g5_co_ger_cad_clientes?wsdl', 'contas', $1, 3,
       'GravarClientes', 'retornosClientes', 'codCli', $2, 'UPDATE contas SET id_erp = #codCli# WHERE id = #contaId#', 'contaId')`,
    [consulta, 'retorno!=OK,erroExecucao'],
  );
  await pool.query(
    `INSERT INTO integrador.integracao (id, nome, tipo_servico, empresa_id, link, tabela, consulta)
     VALUES (20, 'SET-WS-CONTAS-DEFINICOES', 'SET', 1, 'componente', 'contas_empresas', $1)`,
    [JSON.stringify({ consulta: 'SELECT ce.cod_emp, ce.cod_fil, ce.cod_rep FROM contas_empresas AS ce WHERE ce.conta_id = #id# ORDER BY ce.id' })],
  );
  const g5 = 'parameters.dadosGeraisCliente';
  const campos: Array<[number, number, string, object]> = [
    [101, 19, `${g5}.nomCli`, { campo: 'nome', obrigatorio: true }],
    [102, 19, `${g5}.apeCli`, { campo: 'fantasia' }],
    [103, 19, `${g5}.tipCli`, { campo: 'tipo_pessoa' }],
    [104, 19, `${g5}.tipMer`, { valor: 'I' }],
    [105, 19, `${g5}.cliCon`, { valor: 'S' }],
    [106, 19, `${g5}.sitCli`, { valor: 'A' }],
    [107, 19, `${g5}.tipAce`, { valor: 1, tipo: 'inteiro' }],
    [108, 19, `${g5}.cgcCpf`, { campo: 'cnpj', obrigatorio: true }],
    [109, 19, `${g5}.endCli`, { campo: 'endereco' }],
    [110, 19, `${g5}.nenCli`, { campo: 'numero' }],
    [111, 19, `${g5}.baiCli`, { campo: 'bairro' }],
    [112, 19, `${g5}.cidCli`, { campo: 'cidade' }],
    [113, 19, `${g5}.sigUfs`, { campo: 'uf' }],
    [114, 19, `${g5}.cepCli`, { campo: 'cep' }],
    [115, 19, `${g5}.fonCli`, { campo: 'telefone' }],
    [116, 19, `${g5}.intNet`, { campo: 'email' }],
    [117, 19, `${g5}.ideExt`, { campo: 'id', tipo: 'inteiro' }],
    [118, 19, `${g5}.definicoesCliente`, { componente: 20 }],
    [201, 20, 'codEmp', { campo: 'cod_emp', tipo: 'inteiro' }],
    [202, 20, 'codFil', { campo: 'cod_fil', tipo: 'inteiro' }],
    [203, 20, 'codRep', { campo: 'cod_rep', tipo: 'inteiro' }],
  ];
  for (const [id, integracao, path, crm] of campos) {
    await pool.query('INSERT INTO integrador.campos_integracao (id, integracao_id, campo_integracao, campo_crm) VALUES ($1, $2, $3, $4)', [
      id,
      integracao,
      path,
      JSON.stringify(crm),
    ]);
  }
  // CEP and CNPJ go to G5 as digits only
  await pool.query(`INSERT INTO integrador.regras (id, campos_integracao_id, tipo, parametro) VALUES (1, 108, 'SOMENTE_DIGITOS', NULL), (2, 114, 'SOMENTE_DIGITOS', NULL)`);
}
