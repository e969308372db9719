// Configuration rows + a request → the Plan, or every problem at once. Pure: no I/O, so the API's
// pre-check and the loadPlan activity give the same answer with the same messages.
import { parseAnswerRules } from '../answer';
import type { BaseConfig } from '../config/types';
import { ConfigError, RequestError, type ConfigIssue } from '../errors';
import { executionOrder } from '../graph';
import { isComponentLink, parseConsulta, parseMapping } from '../model';
import type { ConfigRows, IntegracaoRow, TipoConexao } from '../model/types';
import { checkSqlVariables } from '../templating';
import type { Plan, RunRequest, SetStep } from './types';

export interface PlanSettings {
  chunkSize: number;
  maxChunksInFlight: number;
}

export function builtinsOf(request: RunRequest): Plan['builtins'] {
  return {
    empresa_id: request.empresaId,
    empresa_filial_id: request.empresaFilialId,
    base_crm: request.base,
    integracao_servico_id: request.integracaoId,
  };
}

function splitList(text: string | null): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Throws RequestError when the caller asked for something that does not exist or is not theirs. */
function checkRequest(rows: ConfigRows, request: RunRequest): IntegracaoRow {
  const row = rows.integracoes.find((r) => r.id === request.integracaoId);
  if (!row || isComponentLink(row.link)) {
    throw new RequestError('not_found', `integracao_servico_id ${request.integracaoId} does not exist in base ${request.base}`, 'integracao_servico_id');
  }
  const companyOk = row.empresa_id === null || row.empresa_id === request.empresaId;
  const branchOk = row.empresa_filial_id === null || row.empresa_filial_id === request.empresaFilialId;
  if (!companyOk || !branchOk) {
    throw new RequestError('forbidden', `integracao ${row.id} is not available to this company`, row.empresa_filial_id !== null ? 'empresa_filial_id' : 'empresa_id');
  }
  return row;
}

function connectionOf(row: IntegracaoRow, rows: ConfigRows, base: BaseConfig, issues: ConfigIssue[]): SetStep['connection'] | undefined {
  const where = { table: 'integracao', row: row.id, column: 'conexao_integracao_id' };
  if (row.conexao_integracao_id === null) {
    issues.push({ ...where, message: 'an integration that is not a component needs a connection' });
    return undefined;
  }
  const conexao = rows.conexoes.find((c) => c.id === row.conexao_integracao_id);
  if (!conexao) {
    issues.push({ ...where, message: `conexao_integracao ${row.conexao_integracao_id} does not exist` });
    return undefined;
  }
  const type = conexao.tipo_conexao.trim().toUpperCase();
  if (type !== 'WS' && type !== 'DB' && type !== 'API') {
    issues.push({ table: 'conexao_integracao', row: conexao.id, column: 'tipo_conexao', message: `unknown type ${conexao.tipo_conexao} (WS, DB or API)` });
    return undefined;
  }
  const fileEntry = base.connections[conexao.nome_conexao];
  if (!fileEntry) {
    issues.push({ table: 'conexao_integracao', row: conexao.id, column: 'nome_conexao', message: `connection ${conexao.nome_conexao} is not in the connection file` });
    return undefined;
  }
  if (fileEntry.type !== type) {
    issues.push({ table: 'conexao_integracao', row: conexao.id, column: 'tipo_conexao', message: `is ${type} but connection ${conexao.nome_conexao} in the connection file is ${fileEntry.type}` });
    return undefined;
  }
  return { name: conexao.nome_conexao, type: type as TipoConexao };
}

function buildStep(row: IntegracaoRow, rows: ConfigRows, base: BaseConfig, known: Set<string>, issues: ConfigIssue[]): SetStep | undefined {
  const before = issues.length;
  const at = (column: string) => ({ table: 'integracao', row: row.id, column });
  if (row.tipo_servico.trim().toUpperCase() !== 'SET') {
    issues.push({ ...at('tipo_servico'), message: `${row.tipo_servico} is not run by this engine (only SET)` });
  }
  const connection = connectionOf(row, rows, base, issues);
  const consulta = parseConsulta(row.consulta, at('consulta'));
  if (!consulta.ok) issues.push(...consulta.issues);
  else issues.push(...checkSqlVariables(consulta.value, known, at('consulta')));
  const { mapping, issues: mappingIssues } = parseMapping(row.id, rows);
  issues.push(...mappingIssues);
  const answer = { arrayKey: row.indice_array_retorno, errorKeys: row.indice_erro_retorno, valueKeys: row.indice_valor_retorno };
  issues.push(...parseAnswerRules(answer, { table: 'integracao', row: row.id }).issues);
  if (connection?.type === 'WS' && !row.porta_ws?.trim()) issues.push({ ...at('porta_ws'), message: 'a WS integration needs the operation to call' });
  if (connection && connection.type !== 'DB' && !row.link?.trim()) issues.push({ ...at('link'), message: 'is empty' });
  if (connection?.type === 'DB' && !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(row.link?.trim() ?? '')) {
    issues.push({ ...at('link'), message: 'a DB integration needs the receiver table name (schema.table)' });
  }
  if (issues.length > before || !connection || !consulta.ok) return undefined;
  return {
    kind: 'set',
    id: row.id,
    nome: row.nome,
    tabela: row.tabela,
    connection,
    link: row.link?.trim() ?? '',
    operation: row.porta_ws?.trim() || null,
    consulta: consulta.value,
    fields: mapping.fields,
    components: mapping.components,
    answer,
    sqlUpdate: row.sql_update?.trim() || null,
  };
}

/**
 * Orders the requested integration and its dependencies (SPEC §6) and validates every one of them.
 * RequestError for what the caller got wrong (404/403/400), ConfigError with every issue otherwise.
 */
export function buildPlan(rows: ConfigRows, request: RunRequest, base: BaseConfig, settings: PlanSettings): Plan {
  const requested = checkRequest(rows, request);
  const order = executionOrder(rows.integracoes, requested.id, { empresaId: request.empresaId ?? Number.NaN, empresaFilialId: request.empresaFilialId });
  const byId = new Map(rows.integracoes.map((r) => [r.id, r]));
  const builtins = builtinsOf(request);
  for (const id of order) {
    for (const name of splitList(byId.get(id)!.parametros_obrigatorios)) {
      if (request.params[name] === undefined || request.params[name] === '') {
        throw new RequestError('bad_request', `missing required parameter ${name} (integracao ${id})`, name);
      }
    }
  }
  const issues: ConfigIssue[] = [];
  const known = new Set([...Object.keys(request.params), ...Object.keys(builtins)]);
  const steps: SetStep[] = [];
  for (const id of order) {
    const row = byId.get(id)!;
    const step = buildStep(row, rows, base, new Set(known), issues);
    if (step) steps.push(step);
    // values captured by this integration are variables for the later ones
    for (const key of splitList(row.indice_valor_retorno)) known.add(key);
  }
  if (issues.length) throw new ConfigError(issues);
  return { request, builtins, steps, settings };
}
