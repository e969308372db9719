// The demo CRM: accounts, contacts and sales orders with realistic Brazilian data, and the consultant's rows
// that send them to a G5-like SOAP receiver: the seed's integration 19 (SET-WS-CONTAS, SPEC §10) with its
// component 20 for `definicoesCliente`, and (seedDemoChain) 21 SET-WS-CONTATOS and 22 SET-WS-PEDIDOS with
// component 23 for the order items: account → contact → order, one run.
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
  [
    'Comercial Açaí da Amazônia S.A.',
    'Açaí Amazônia',
    '045678900001',
    'Avenida Presidente Vargas',
    '455',
    'Campina',
    'Belém',
    'PA',
    '66017-000',
    '(91) 3241-7788',
  ],
  [
    'Metalúrgica São João Indústria e Comércio Ltda',
    'Metal São João',
    '073456120001',
    'Rodovia BR-101, km 32',
    's/n',
    'Distrito Industrial',
    'Joinville',
    'SC',
    '89219-600',
    '(47) 3027-4500',
  ],
  ['Farmácia Saúde & Vida Eireli', 'Saúde & Vida', '289341560001', 'Rua das Flores', '87', 'Batel', 'Curitiba', 'PR', '80420-120', '(41) 3015-2233'],
  [
    'Transportadora Rápido Sul Ltda',
    'Rápido Sul',
    '331245670001',
    'Avenida Assis Brasil',
    '3940',
    'Sarandi',
    'Porto Alegre',
    'RS',
    '91110-000',
    '(51) 3344-9090',
  ],
];

export async function seedDemoCrm(pool: Pool): Promise<void> {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS contas (
      id serial PRIMARY KEY,
      nome text NOT NULL,
      fantasia text,
      tipo_pessoa char(1) NOT NULL DEFAULT 'J',
      cnpj text,
      cpf text,
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
    );
    -- component 20 looks its rows up by account, as a real CRM's foreign key would be indexed
    CREATE INDEX IF NOT EXISTS contas_empresas_conta_id ON contas_empresas (conta_id);
    ALTER TABLE contas ADD COLUMN IF NOT EXISTS cpf text;
    CREATE TABLE IF NOT EXISTS contatos (
      id serial PRIMARY KEY,
      conta_id integer NOT NULL REFERENCES contas (id),
      nome text,
      cargo text,
      cpf text,
      ddd text, telefone text, email text,
      nascimento date,
      ativo boolean NOT NULL DEFAULT true,
      id_erp integer
    );
    CREATE TABLE IF NOT EXISTS pedidos (
      id serial PRIMARY KEY,
      conta_id integer NOT NULL REFERENCES contas (id),
      contato_id integer REFERENCES contatos (id),
      numero_cliente text,
      emitido_em date NOT NULL,
      entrega_prevista date,
      condicao_pagamento text,
      observacao text,
      situacao text NOT NULL DEFAULT 'aberto',
      numero_erp integer
    );
    CREATE TABLE IF NOT EXISTS itens_pedido (
      id serial PRIMARY KEY,
      pedido_id integer NOT NULL REFERENCES pedidos (id),
      codigo_produto text NOT NULL,
      descricao text,
      quantidade numeric(12, 3) NOT NULL,
      preco_unitario numeric(12, 4) NOT NULL,
      desconto numeric(5, 2)
    );`);
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM contas');
  if (rows[0].n === 0) await seedAccounts(pool);
  const contatos = await pool.query('SELECT count(*)::int AS n FROM contatos');
  if (contatos.rows[0].n === 0) await seedContactsAndOrders(pool);
}

async function seedAccounts(pool: Pool): Promise<void> {
  for (const [nome, fantasia, cnpj, endereco, numero, bairro, cidade, uf, cep, telefone] of ACCOUNTS) {
    const email = `contato@${fantasia
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z]/g, '')}.com.br`;
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
  // a person (tipo_pessoa F): G5's cgcCpf takes her CPF, chosen by CONDICAO
  await pool.query(
    `INSERT INTO contas (nome, fantasia, tipo_pessoa, cpf, endereco, numero, bairro, cidade, uf, cep, telefone, email)
     VALUES ('Maria Aparecida dos Santos', 'Sítio Boa Esperança', 'F', '529.982.247-25', 'Estrada Municipal Linha Bonita', 's/n', 'Interior', 'Chapecó', 'SC', '89812-000', '(49) 99912-3456', 'maria.santos@gmail.com')`,
  );
}

// conta (by position in ACCOUNTS, 1-based), nome, cargo, cpf, ddd, telefone, email, nascimento
const CONTACTS: Array<[number, string, string | null, string | null, string, string, string, string | null]> = [
  [1, 'Ana Paula Ferreira', 'Compras', '111.444.777-35', '47', '3322-1101', 'ana.ferreira@paodourado.com.br', '1985-04-12'],
  [1, 'José Carlos Schmitt', 'Financeiro', null, '47', '3322-1102', 'financeiro@paodourado.com.br', null],
  [2, 'Raimunda Nonata Silva', 'Diretoria', '390.533.447-05', '91', '98111-2233', 'raimunda@acaiamazonia.com.br', '1972-11-30'],
  [3, 'Luiz Fernando Kowalski', null, null, '47', '3027-4510', 'compras@metalsaojoao.com.br', null],
];

// conta, contato (1-based in CONTACTS) or null, número do cliente, emissão, entrega, condição, observação, itens
const ORDERS: Array<
  [number, number | null, string, string, string | null, string | null, string | null, Array<[string, string, number, number, number | null]>]
> = [
  [
    1,
    1,
    'oc-2025/0042',
    '2025-03-05',
    '2025-03-20',
    '30/60/90',
    'Entregar pela doca 2, no período da manhã; portaria exige agendamento prévio',
    [
      ['far-tr-25', 'Farinha de trigo tipo 1, saco 25 kg', 40, 89.9, null],
      ['fer-bio-500', 'Fermento biológico seco, 500 g', 12.5, 12.345, 5],
      ['mar-fo-10', 'Forno turbo a gás, 10 esteiras', 1, 18350.2, 2.5],
    ],
  ],
  [2, 3, 'PED-7781', '2025-02-14', null, 'À vista', null, [['pol-aca-10', 'Polpa de açaí, caixa 10 kg', 30, 149.5, null]]],
  [
    3,
    4,
    '4500012345',
    '2025-03-18',
    '2025-04-30',
    null,
    'Material conforme desenho DS-1020 rev. C',
    [
      ['cha-aco-3', 'Chapa de aço 1020, 3 mm', 850, 7.8, null],
      ['ele-e6013', 'Eletrodo E6013 2,5 mm, caixa 5 kg', 20, 96.4, 10],
    ],
  ],
];

async function seedContactsAndOrders(pool: Pool): Promise<void> {
  const accounts = (await pool.query('SELECT id FROM contas ORDER BY id')).rows.map((r) => r.id as number);
  const contactIds: number[] = [];
  for (const [conta, nome, cargo, cpf, ddd, telefone, email, nascimento] of CONTACTS) {
    const inserted = await pool.query(
      'INSERT INTO contatos (conta_id, nome, cargo, cpf, ddd, telefone, email, nascimento) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id',
      [accounts[conta - 1], nome, cargo, cpf, ddd, telefone, email, nascimento],
    );
    contactIds.push(inserted.rows[0].id);
  }
  for (const [conta, contato, numero, emitido, entrega, condicao, observacao, items] of ORDERS) {
    const inserted = await pool.query(
      `INSERT INTO pedidos (conta_id, contato_id, numero_cliente, emitido_em, entrega_prevista, condicao_pagamento, observacao)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [accounts[conta - 1], contato === null ? null : contactIds[contato - 1], numero, emitido, entrega, condicao, observacao],
    );
    for (const [codigo, descricao, quantidade, preco, desconto] of items) {
      await pool.query(
        'INSERT INTO itens_pedido (pedido_id, codigo_produto, descricao, quantidade, preco_unitario, desconto) VALUES ($1, $2, $3, $4, $5, $6)',
        [inserted.rows[0].id, codigo, descricao, quantidade, preco, desconto],
      );
    }
  }
}

/** The consultant's rows for integration 19 and its component 20. `conexao` names the connection file entry. */
export async function seedDemoIntegration(pool: Pool, conexao = 'g5'): Promise<void> {
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM integrador.integracao');
  if (rows[0].n > 0) return;
  await pool.query('INSERT INTO integrador.conexao_integracao (id, tipo_conexao, nome_conexao) VALUES (3, $1, $2)', ['WS', conexao]);
  const consulta = JSON.stringify({
    consulta:
      'SELECT c.id, c.id_erp, c.nome, c.fantasia, c.tipo_pessoa, c.cnpj, c.cpf, c.endereco, c.numero, c.bairro, c.cidade, c.uf, c.cep, c.telefone, c.email FROM contas AS c WHERE c.id = #contaId#',
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
  const campos: CampoSeed[] = [
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
    [119, 19, `${g5}.cgcCpf`, { campo: 'cpf', obrigatorio: true }],
    [201, 20, 'codEmp', { campo: 'cod_emp', tipo: 'inteiro' }],
    [202, 20, 'codFil', { campo: 'cod_fil', tipo: 'inteiro' }],
    [203, 20, 'codRep', { campo: 'cod_rep', tipo: 'inteiro' }],
  ];
  await insertCampos(pool, campos);
  // CEP and CNPJ go to G5 as digits only; cgcCpf is the CNPJ of a company (J) or the CPF of a person (F)
  await insertRegras(pool, [
    [1, 108, 'SOMENTE_DIGITOS', null],
    [2, 114, 'SOMENTE_DIGITOS', null],
    [3, 108, 'CONDICAO', { campo: 'tipo_pessoa', igual: 'J' }],
    [4, 119, 'CONDICAO', { campo: 'tipo_pessoa', igual: 'F' }],
    [5, 119, 'SOMENTE_DIGITOS', null],
  ]);
}

type CampoSeed = [number, number, string, object];
type RegraSeed = [number, number, string, object | string | null];

async function insertCampos(pool: Pool, campos: CampoSeed[]): Promise<void> {
  for (const [id, integracao, path, crm] of campos) {
    await pool.query('INSERT INTO integrador.campos_integracao (id, integracao_id, campo_integracao, campo_crm) VALUES ($1, $2, $3, $4)', [
      id,
      integracao,
      path,
      JSON.stringify(crm),
    ]);
  }
}

async function insertRegras(pool: Pool, regras: RegraSeed[]): Promise<void> {
  for (const [id, campo, tipo, parametro] of regras) {
    const text = parametro === null ? null : typeof parametro === 'string' ? parametro : JSON.stringify(parametro);
    await pool.query('INSERT INTO integrador.regras (id, campos_integracao_id, tipo, parametro) VALUES ($1, $2, $3, $4)', [id, campo, tipo, text]);
  }
}

const WS_LINK = (portType: string) => `/g5-senior-services/${portType}?wsdl`;

/**
 * Contacts (21) and orders (22, with the items component 23) after the accounts (19), on the same G5
 * connection. Both dependency columns are shown: 21.dependente = 19 (19 runs before 21) and
 * 21.depende_de = 22 (22 runs after 21). Asking for 21 runs 19 → 21 → 22; asking for 19 or 22 runs only
 * that one, since each integration's own columns say what it brings along (SPEC §6).
 * The contact takes the customer code 19 captured (`#codCli#`); the order looks it up in the CRM, where
 * 19's sql_update wrote it (`dependencias`).
 */
export async function seedDemoChain(pool: Pool): Promise<void> {
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM integrador.integracao WHERE id IN (21, 22, 23)');
  if (rows[0].n > 0) return;
  const answer = 'retorno!=OK,erroExecucao';
  const insert = `INSERT INTO integrador.integracao (id, nome, tipo_servico, empresa_id, link, tabela, consulta, conexao_integracao_id, porta_ws,
       indice_array_retorno, indice_valor_retorno, indice_erro_retorno, sql_update, dependente, depende_de, parametros_obrigatorios)
     VALUES ($1, $2, 'SET', 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;
  const consulta = (sql: string) => JSON.stringify({ consulta: sql });
  await pool.query(insert, [
    21,
    'SET-WS-CONTATOS',
    WS_LINK('sapiens_Synccom_senior_g5_co_ger_cad_contatos'),
    'contatos',
    consulta(
      'SELECT ct.id, ct.conta_id, ct.nome, ct.cargo, ct.cpf, ct.ddd, ct.telefone, ct.email, ct.nascimento, ct.ativo FROM contatos AS ct WHERE ct.conta_id = #contaId# ORDER BY ct.id',
    ),
    3,
    'GravarContatos',
    'retornosContatos',
    'seqCto',
    answer,
    'UPDATE contatos SET id_erp = #seqCto# WHERE id = #id#',
    19,
    22,
    'contaId',
  ]);
  await pool.query(insert, [
    22,
    'SET-WS-PEDIDOS',
    WS_LINK('sapiens_Synccom_senior_g5_co_mcm_ven_pedidos'),
    'pedidos',
    consulta(
      `SELECT p.id, p.conta_id, p.contato_id, p.numero_cliente, p.emitido_em, p.entrega_prevista, p.condicao_pagamento, p.observacao,
              (SELECT sum(round(i.quantidade * i.preco_unitario * (1 - coalesce(i.desconto, 0) / 100), 2)) FROM itens_pedido AS i WHERE i.pedido_id = p.id) AS total
         FROM pedidos AS p WHERE p.conta_id = #contaId# AND p.situacao = 'aberto' ORDER BY p.id`,
    ),
    3,
    'GravarPedidos',
    'respostaPedido',
    'numPed',
    answer,
    "UPDATE pedidos SET numero_erp = #numPed#, situacao = 'integrado' WHERE id = #id#",
    null,
    null,
    'contaId',
  ]);
  await pool.query(
    `INSERT INTO integrador.integracao (id, nome, tipo_servico, empresa_id, link, tabela, consulta)
     VALUES (23, 'SET-WS-PEDIDOS-PRODUTOS', 'SET', 1, 'componente', 'itens_pedido', $1)`,
    [consulta('SELECT i.id, i.codigo_produto, i.quantidade, i.preco_unitario, i.desconto FROM itens_pedido AS i WHERE i.pedido_id = #id# ORDER BY i.id')],
  );

  const cto = 'parameters.contato';
  const ped = 'parameters.pedido';
  await insertCampos(pool, [
    [2101, 21, `${cto}.codCli`, { texto: '#codCli#', tipo: 'inteiro', obrigatorio: true }], // captured from 19's answer
    [2102, 21, `${cto}.nomCto`, { campo: 'nome', obrigatorio: true }],
    [2103, 21, `${cto}.carCto`, { campo: 'cargo' }],
    [2104, 21, `${cto}.cpfCto`, { campo: 'cpf' }],
    [2105, 21, `${cto}.fonCto`, { texto: '(#ddd#) #telefone#' }],
    [2106, 21, `${cto}.intNet`, { campo: 'email' }],
    [2107, 21, `${cto}.datNas`, { campo: 'nascimento', tipo: 'data', formato: 'dd/MM/yyyy' }],
    [2108, 21, `${cto}.sitCto`, { campo: 'ativo', tipo: 'booleano', formato: 'A/I' }],
    [2109, 21, `${cto}.ideExt`, { campo: 'id', tipo: 'inteiro' }],

    [2201, 22, `${ped}.codEmp`, { valor: 1, tipo: 'inteiro' }],
    [2202, 22, `${ped}.codFil`, { valor: 1, tipo: 'inteiro' }],
    [2203, 22, `${ped}.codCli`, { campo: 'conta_id', tipo: 'inteiro', obrigatorio: true }], // value from dependencias 1
    [2204, 22, `${ped}.seqCto`, { campo: 'contato_id', tipo: 'inteiro' }], // value from dependencias 2
    [2205, 22, `${ped}.pedCli`, { campo: 'numero_cliente' }],
    [2206, 22, `${ped}.datEmi`, { campo: 'emitido_em', tipo: 'data', formato: 'dd/MM/yyyy', obrigatorio: true }],
    [2207, 22, `${ped}.datPrv`, { campo: 'entrega_prevista', tipo: 'data', formato: 'dd/MM/yyyy' }],
    [2208, 22, `${ped}.codCpg`, { campo: 'condicao_pagamento' }],
    [2209, 22, `${ped}.obsPed`, { campo: 'observacao' }],
    [2210, 22, `${ped}.vlrTot`, { campo: 'total', tipo: 'decimal', formato: 'virgula' }],
    [2211, 22, `${ped}.ideExt`, { campo: 'id', tipo: 'inteiro' }],
    [2212, 22, `${ped}.produto`, { componente: 23 }],

    [2301, 23, 'codPro', { campo: 'codigo_produto', obrigatorio: true }],
    [2302, 23, 'qtdPed', { campo: 'quantidade', tipo: 'decimal', formato: 'virgula' }],
    [2303, 23, 'preUni', { campo: 'preco_unitario', tipo: 'decimal', formato: 'virgula' }],
    [2304, 23, 'perDsc', { campo: 'desconto', tipo: 'decimal', formato: 'virgula' }],
  ]);
  await insertRegras(pool, [
    [10, 2102, 'MAIUSCULAS', null],
    [11, 2103, 'DE_PARA', { Compras: 'COM', Financeiro: 'FIN', Diretoria: 'DIR', Vendas: 'VEN' }],
    [12, 2103, 'PADRAO', 'OUT'],
    [13, 2104, 'SOMENTE_DIGITOS', null],
    [20, 2205, 'MAIUSCULAS', null],
    [21, 2208, 'DE_PARA', { 'À vista': '001', '30 dias': '030', '30/60/90': '090' }],
    [22, 2208, 'PADRAO', '001'],
    [23, 2209, 'TRUNCAR', '40'],
    [24, 2209, 'MAIUSCULAS', null],
    [30, 2301, 'MAIUSCULAS', null],
    [31, 2304, 'PADRAO', '0'],
  ]);
  await pool.query(
    `INSERT INTO integrador.dependencias (id, campos_integracao_id, consulta, obrigatoria) VALUES
       (1, 2203, $1, true),
       (2, 2204, $2, false)`,
    [consulta('SELECT id_erp FROM contas WHERE id = #conta_id#'), consulta('SELECT id_erp FROM contatos WHERE id = #contato_id#')],
  );
}
