// Configuration rows + a request → the Plan, or every problem at once. Pure: no I/O, so the API's
// pre-check and the loadPlan activity give the same answer with the same messages.
import { capturedNames, parseAnswerRules, type ParsedAnswerRules } from '../answer';
import type { BaseConfig } from '../config/types';
import { ConfigError, RequestError, type ConfigIssue } from '../errors';
import { executionOrder } from '../graph';
import { parseConsulta, parseMapping } from '../model';
import type { Parsed } from '../model/parsed';
import type { AnswerRules, ConexaoRow, ConfigRows, FieldSpec, IntegracaoRow, TipoConexao } from '../model/types';
import { checkSqlVariables } from '../templating';
import type { BatchSpec, Plan, PlanSettings, RunRequest, SetStep } from './types';

/** The built-in variables every run has (SPEC §4). */
export const BUILTIN_NAMES = ['empresa_id', 'empresa_filial_id', 'base_crm', 'integracao_servico_id'] as const;

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

/**
 * 404 when the requested integration does not exist in the base. Everything else about the requested row
 * (another company, a component, not SET) is judged by runGraph, so the API, the run and the validator give
 * the same answer: a component asked for directly is a bad request (400), not "not found".
 */
function checkExists(rows: ConfigRows, request: RunRequest): IntegracaoRow {
  const row = rows.integracoes.find((r) => r.id === request.integracaoId);
  if (!row) {
    throw new RequestError('not_found', `integracao_servico_id ${request.integracaoId} does not exist in base ${request.base}`, 'integracao_servico_id');
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
  const checked = checkConexao(conexao, base);
  if (!checked.ok) {
    issues.push(...checked.issues);
    return undefined;
  }
  return checked.value;
}

/** A conexao_integracao row against the connection file: a known type, an entry of that name and type. */
export function checkConexao(conexao: ConexaoRow, base: Pick<BaseConfig, 'connections'>): Parsed<SetStep['connection']> {
  const fail = (column: string, message: string): Parsed<SetStep['connection']> => ({
    ok: false,
    issues: [{ table: 'conexao_integracao', row: conexao.id, column, message }],
  });
  const type = (conexao.tipo_conexao ?? '').trim().toUpperCase();
  if (type !== 'WS' && type !== 'DB' && type !== 'API') return fail('tipo_conexao', `unknown type ${conexao.tipo_conexao} (WS, DB or API)`);
  const fileEntry = Object.prototype.hasOwnProperty.call(base.connections, conexao.nome_conexao) ? base.connections[conexao.nome_conexao] : undefined;
  if (!fileEntry) return fail('nome_conexao', `connection ${conexao.nome_conexao} is not in the connection file`);
  if (fileEntry.type !== type) return fail('tipo_conexao', `is ${type} but connection ${conexao.nome_conexao} in the connection file is ${fileEntry.type}`);
  return { ok: true, value: { name: conexao.nome_conexao, type: type as TipoConexao } };
}

function buildStep(row: IntegracaoRow, rows: ConfigRows, base: BaseConfig, known: Set<string>, issues: ConfigIssue[], forcar: boolean): SetStep | undefined {
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
  const answer = parseAnswerRules(
    { arrayKey: row.indice_array_retorno, errorKeys: row.indice_erro_retorno, valueKeys: row.indice_valor_retorno },
    { table: 'integracao', row: row.id },
  );
  issues.push(...answer.issues);
  if (connection?.type === 'WS' && !row.porta_ws?.trim()) issues.push({ ...at('porta_ws'), message: 'a WS integration needs the operation to call' });
  if (connection && connection.type !== 'DB' && !row.link?.trim()) issues.push({ ...at('link'), message: 'is empty' });
  if (connection?.type === 'DB' && !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(row.link?.trim() ?? '')) {
    issues.push({ ...at('link'), message: 'a DB integration needs the receiver table name (schema.table)' });
  }
  const batch = batchOf(row, connection?.type, mapping.fields, issues);
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
    answer: answer.rules,
    sqlUpdate: row.sql_update?.trim() || null,
    ...(batch ? { batch } : {}),
    ...(row.somente_alterados && !forcar ? { onlyChanged: true } : {}),
  };
}

const KEY_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * lote_envio, caminho_lote and chave_retorno (SPEC §5.6) checked against the integration's fields: a batch
 * needs the request path of each record's element (WS, API), every field outside it must be the same for
 * every record (constants, request parameters, not the row), and chave_retorno must be a field of the element.
 */
export function batchOf(row: IntegracaoRow, type: TipoConexao | undefined, fields: FieldSpec[], issues: ConfigIssue[]): BatchSpec | undefined {
  const at = (column: string) => ({ table: 'integracao', row: row.id, column });
  const size = row.lote_envio ?? null;
  if (size === null) return undefined;
  if (!Number.isInteger(size) || size < 1) {
    issues.push({ ...at('lote_envio'), message: `must be a whole number of records per call, 1 or more (got ${size})` });
    return undefined;
  }
  if (size === 1) return undefined;
  const raw = row.caminho_lote ?? null;
  const path = type === 'DB' ? '' : (raw ?? '').trim();
  if (type === 'WS' && path === '') {
    issues.push({
      ...at('caminho_lote'),
      message: `lote_envio ${size} needs caminho_lote, the request path of each record's element (e.g. parameters.dadosGeraisCliente)`,
    });
    return undefined;
  }
  if (type === 'API' && raw === null) {
    issues.push({
      ...at('caminho_lote'),
      message: `lote_envio ${size} needs caminho_lote, the request path of each record's element ('' when the JSON body is the array)`,
    });
    return undefined;
  }
  if (path !== '' && !path.split('.').every((segment) => KEY_NAME.test(segment))) {
    issues.push({ ...at('caminho_lote'), message: `"${path}" is not a dotted request path` });
    return undefined;
  }
  const under = (f: FieldSpec) => path === '' || f.path.startsWith(`${path}.`);
  const before = issues.length;
  if (!fields.some(under))
    issues.push({ ...at('caminho_lote'), message: `no campos_integracao path is under "${path}": every record would be an empty element` });
  for (const f of fields) {
    if (under(f)) continue;
    if (f.path === path) {
      issues.push({ table: 'campos_integracao', row: f.id, column: 'campo_integracao', message: `"${f.path}" is caminho_lote itself; its fields go under it` });
    } else if (f.lookup || f.source.kind === 'campo' || f.source.kind === 'componente') {
      issues.push({
        table: 'campos_integracao',
        row: f.id,
        column: 'campo_integracao',
        message: `"${f.path}" is outside caminho_lote "${path}" but depends on the CRM row; a batch shares every field outside caminho_lote (use a constant or a request parameter, or move it under caminho_lote)`,
      });
    }
  }
  let key: string | null = null;
  const rawKey = row.chave_retorno?.trim() ?? '';
  if (rawKey !== '') {
    const relative = (f: FieldSpec) => (path === '' ? f.path : f.path.slice(path.length + 1));
    if (!KEY_NAME.test(rawKey)) issues.push({ ...at('chave_retorno'), message: `"${rawKey}" is not one key name (e.g. ideExt)` });
    else if (!fields.some((f) => under(f) && relative(f) === rawKey)) {
      issues.push({
        ...at('chave_retorno'),
        message: `"${rawKey}" is not a field of each record's element (no campos_integracao path ${path ? `${path}.` : ''}${rawKey})`,
      });
    } else key = rawKey;
  }
  if (issues.length > before) return undefined;
  return { size, path, key };
}

/**
 * A step as recorded in a run's history, for the activities. Plans built before the answer rules were
 * parsed at build time carry their raw column text (runs in flight across an upgrade): parsed here.
 */
export function currentStep(step: SetStep): SetStep {
  const answer = step.answer as ParsedAnswerRules | AnswerRules;
  if ('errorRules' in answer) return step;
  const parsed = parseAnswerRules(answer, { table: 'integracao', row: step.id });
  if (parsed.issues.length) throw new ConfigError(parsed.issues);
  return { ...step, answer: parsed.rules };
}

/**
 * Every step of `order` checked and built, with every issue. `known` holds the names a caller's request
 * brings (parameters and built-ins); what each integration captures is known to the ones after it.
 * Shared by buildPlan and the validator, so both report the same problems with the same messages.
 */
export function buildSteps(
  rows: ConfigRows,
  order: readonly number[],
  base: BaseConfig,
  known: ReadonlySet<string>,
  forcar = false,
): { steps: SetStep[]; issues: ConfigIssue[] } {
  const byId = new Map(rows.integracoes.map((r) => [r.id, r]));
  const issues: ConfigIssue[] = [];
  const steps: SetStep[] = [];
  const names = new Set(known);
  for (const id of order) {
    const row = byId.get(id)!;
    const step = buildStep(row, rows, base, new Set(names), issues, forcar);
    if (step) steps.push(step);
    for (const key of capturedBy(row)) names.add(key);
  }
  return { steps, issues };
}

/** The names an integration captures from its answer (indice_valor_retorno): variables for later ones. */
export function capturedBy(row: Pick<IntegracaoRow, 'indice_valor_retorno'>): string[] {
  return capturedNames(row.indice_valor_retorno);
}

/** The parametros_obrigatorios of an integration. */
export function requiredParams(row: Pick<IntegracaoRow, 'parametros_obrigatorios'>): string[] {
  return splitList(row.parametros_obrigatorios);
}

/**
 * Orders the requested integration and its dependencies (SPEC §6) and validates every one of them.
 * RequestError for what the caller got wrong (404/403/400), ConfigError with every issue otherwise.
 */
export function buildPlan(rows: ConfigRows, request: RunRequest, base: BaseConfig, settings: PlanSettings): Plan {
  const requested = checkExists(rows, request);
  const order = executionOrder(rows.integracoes, requested.id, { empresaId: request.empresaId, empresaFilialId: request.empresaFilialId });
  const byId = new Map(rows.integracoes.map((r) => [r.id, r]));
  const builtins = builtinsOf(request);
  for (const id of order) {
    for (const name of requiredParams(byId.get(id)!)) {
      if (request.params[name] === undefined || request.params[name] === '') {
        throw new RequestError('bad_request', `missing required parameter ${name} (integracao ${id})`, name);
      }
    }
  }
  const { steps, issues } = buildSteps(rows, order, base, new Set([...Object.keys(request.params), ...Object.keys(builtins)]), request.forcar === true);
  if (issues.length) throw new ConfigError(issues);
  return { request, builtins, steps, settings };
}
