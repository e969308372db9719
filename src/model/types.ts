// The configuration model: raw rows of schema `integrador` and their parsed, typed form.
// Pure: the parsed specs travel inside the Plan, through workflow history.

export type TipoConexao = 'WS' | 'DB' | 'API';

export interface ConexaoRow {
  id: number;
  tipo_conexao: string;
  nome_conexao: string;
}

export interface IntegracaoRow {
  id: number;
  nome: string;
  tipo_servico: string;
  empresa_id: number | null;
  empresa_filial_id: number | null;
  link: string | null;
  tabela: string | null;
  consulta: string | null;
  conexao_integracao_id: number | null;
  porta_ws: string | null;
  indice_array_retorno: string | null;
  indice_valor_retorno: string | null;
  indice_erro_retorno: string | null;
  sql_update: string | null;
  dependente: number | null;
  depende_de: number | null;
  parametros_obrigatorios: string | null;
  /** Records per receiver call (SPEC §5.6); null or 1 = one per call. Optional: rows read before the column existed. */
  lote_envio?: number | null;
  /** The request path of the per-record element when lote_envio > 1. */
  caminho_lote?: string | null;
  /** The key matching a feedback item to its record in a batch. */
  chave_retorno?: string | null;
  /** Send only records whose request changed since it last succeeded (SPEC §8). */
  somente_alterados?: boolean | null;
}

export interface CampoRow {
  id: number;
  integracao_id: number;
  campo_integracao: string;
  campo_crm: string;
}

export interface RegraRow {
  id: number;
  campos_integracao_id: number;
  tipo: string;
  parametro: string | null;
}

export interface DependenciaRow {
  id: number;
  campos_integracao_id: number;
  consulta: string;
  obrigatoria: boolean;
}

/** Every configuration row of one base, as read from the tables. */
export interface ConfigRows {
  conexoes: ConexaoRow[];
  integracoes: IntegracaoRow[];
  campos: CampoRow[];
  regras: RegraRow[];
  dependencias: DependenciaRow[];
}

export type ValueType = 'texto' | 'inteiro' | 'decimal' | 'data' | 'booleano';

/** Where a field's value comes from (campo_crm). */
export type FieldSource =
  { kind: 'campo'; column: string } | { kind: 'valor'; value: unknown } | { kind: 'texto'; template: string } | { kind: 'componente'; integracaoId: number };

export type RuleSpec =
  | { id: number; tipo: 'DE_PARA'; map: Record<string, unknown> }
  | { id: number; tipo: 'SOMENTE_DIGITOS' }
  | { id: number; tipo: 'MAIUSCULAS' }
  | { id: number; tipo: 'TRUNCAR'; length: number }
  | { id: number; tipo: 'PADRAO'; value: unknown }
  | { id: number; tipo: 'CONDICAO'; campo: string; igual?: unknown; diferente?: unknown };

export interface LookupSpec {
  id: number;
  sql: string;
  obrigatoria: boolean;
}

export interface FieldSpec {
  id: number;
  /** Dotted target path (`parameters.dadosGeraisCliente.nomCli`); for DB, the receiver's column. */
  path: string;
  source: FieldSource;
  tipo?: ValueType;
  formato?: string;
  obrigatorio: boolean;
  rules: RuleSpec[];
  lookup?: LookupSpec;
}

/** A component integration (link = componente): builds an array inside its parent's request. */
export interface ComponentSpec {
  integracaoId: number;
  nome: string;
  sql: string;
  fields: FieldSpec[];
}

export interface AnswerRules {
  /** indice_array_retorno; null or `parameters` = the whole answer. */
  arrayKey: string | null;
  /** indice_erro_retorno, raw comma-separated text. */
  errorKeys: string | null;
  /** indice_valor_retorno, raw comma-separated text. */
  valueKeys: string | null;
}
