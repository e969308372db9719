// The Plan: plain data recorded in workflow history (the DSL sample's idea). Connection names, never
// credentials; SQL and mappings, never row data.
import type { ParsedAnswerRules } from '../answer';
import type { ComponentSpec, FieldSpec, TipoConexao } from '../model/types';

import type { RunRequest } from '../request/run-request';

export type { RunRequest };

/** One integration to run (SET). Steps form a union on `kind` so a new kind must be handled to compile. */
export interface SetStep {
  kind: 'set';
  id: number;
  nome: string;
  tabela: string | null;
  connection: { name: string; type: TipoConexao };
  /** integracao.link, variables not yet rendered. */
  link: string;
  operation: string | null;
  consulta: string;
  fields: FieldSpec[];
  components: Record<number, ComponentSpec>;
  /**
   * indice_array_retorno / indice_erro_retorno / indice_valor_retorno, parsed once when the plan is built;
   * `answer.valueKeys` are the names this integration captures for the ones after it.
   */
  answer: ParsedAnswerRules;
  sqlUpdate: string | null;
  /** lote_envio > 1 (SPEC §5.6); absent = one record per call. */
  batch?: BatchSpec;
  /** somente_alterados, unless the run was asked with forcar=true. */
  onlyChanged?: boolean;
}

/** Many records per receiver call. */
export interface BatchSpec {
  /** Records per call (lote_envio). */
  size: number;
  /** caminho_lote: the dotted request path of the array of elements; '' = the body is the array (API). DB: unused. */
  path: string;
  /** chave_retorno: the key that matches a feedback item to its record's element; null = by position. */
  key: string | null;
}

export type Step = SetStep;

/** The connection file's run section, as a plan carries it. */
export interface PlanSettings {
  chunkSize: number;
  maxChunksInFlight: number;
  /** Absent in plans recorded before it: every chunk of such a run holds chunkSize records. */
  laterChunkSize?: number;
}

export interface Plan {
  request: RunRequest;
  /** empresa_id, empresa_filial_id, base_crm, integracao_servico_id. */
  builtins: Record<string, string | number | null>;
  steps: Step[];
  settings: PlanSettings;
}

export type IntegrationStatus = 'ok' | 'vazio' | 'erro' | 'nao_executada';

export interface IntegrationResult {
  id: number;
  name: string;
  status: IntegrationStatus;
  total: number;
  counts: Partial<Record<'gravado' | 'enviado' | 'erro' | 'incerto' | 'inalterado', number>>;
  message: string;
  errorCode?: string;
  /** Where a configuration error found during the run is (table, id, column). */
  issues?: RunResult['issues'];
}

export interface RunResult {
  success: boolean;
  message: string;
  workflowId: string;
  execucaoId: string;
  errorCode?: string;
  issues?: Array<{ table?: string; row?: number | string; column?: string; message: string }>;
  /** The request parameter a request error (INT_REQUEST) is about, and what kind of error it is. */
  parameter?: string;
  requestError?: 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found';
  integrations: IntegrationResult[];
}
