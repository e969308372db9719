// The consultant's validator: a whole base's configuration checked at once, every problem reported with its
// table, row and column. The static part is exactly what buildPlan checks before a run (same code, same
// messages); with a SqlChecker it also asks the database what each consulta returns and checks columns,
// variables and SQL against that, without running anything for real.
import type { BaseConfig } from '../config/types';
import { ConfigError, formatIssue, RequestError, type ConfigIssue } from '../errors';
import { runGraph } from '../graph';
import { isComponentLink, parseConsulta, parseFields, parseMapping, type Mapping } from '../model';
import type { ConfigRows, FieldSpec, IntegracaoRow } from '../model/types';
import { BUILTIN_NAMES, buildSteps, capturedBy, checkConexao, requiredParams } from '../plan/build-plan';
import { checkSqlVariables, checkVariables, type IssueLocation } from '../templating';
import type { SqlChecker } from './sql-checker';

export interface ValidationReport {
  /** Every problem, without repeats, in table and id order. Any of them makes `validate` exit 2. */
  issues: ConfigIssue[];
  /**
   * Variables an integration lacks only when it is asked for on its own, while every run that brings it
   * after its provider works (the message names the provider). They do not fail `validate`.
   */
  warnings: ConfigIssue[];
  /** Integrations checked as runnable (not components, SET). */
  checked: number[];
}

/** What one integration (`step`) lacks or breaks inside the run that starts at `run`. */
interface StepCheck {
  run: number;
  step: number;
  /** The steps of that run before `step`, in order. */
  earlier: number[];
  issues: ConfigIssue[];
}

export async function validateBase(rows: ConfigRows, base: BaseConfig, sql?: SqlChecker): Promise<ValidationReport> {
  const issues: ConfigIssue[] = [];
  for (const conexao of rows.conexoes) {
    const checked = checkConexao(conexao, base);
    if (!checked.ok) issues.push(...checked.issues);
  }
  const checked: number[] = [];
  const steps: StepCheck[] = [];
  for (const row of [...rows.integracoes].sort((a, b) => a.id - b.id)) {
    if (isComponentLink(row.link)) {
      issues.push(...componentIssues(row, rows));
      continue;
    }
    if ((row.tipo_servico ?? '').trim().toUpperCase() !== 'SET') {
      issues.push({ table: 'integracao', row: row.id, column: 'tipo_servico', message: `${row.tipo_servico} is not run by this engine (only SET)` });
      continue;
    }
    checked.push(row.id);
    const { order, known } = runOf(row, rows, issues);
    // Step by step, as buildSteps does it, so every issue is known to belong to one integration of one run.
    const names = new Set(known);
    for (const [index, id] of order.entries()) {
      const step = rows.integracoes.find((r) => r.id === id)!;
      const stepIssues = buildSteps(rows, [id], base, names).issues;
      if (sql) await checkAgainstDatabase(step, rows, names, sql, stepIssues);
      steps.push({ run: row.id, step: id, earlier: order.slice(0, index), issues: stepIssues });
      for (const key of capturedBy(step)) names.add(key);
    }
  }
  const judged = judgeRuns(steps, rows);
  const errors = tidy([...issues, ...judged.errors]);
  const errorKeys = new Set(errors.map(formatIssue));
  return { issues: errors, warnings: tidy(judged.warnings.filter((w) => !errorKeys.has(formatIssue(w.issue))).map((w) => w.warning)), checked };
}

const UNKNOWN_VARIABLE = /^unknown variable #([A-Za-z_][A-Za-z0-9_]*)#$/;

/**
 * An unknown variable in the run that starts at R is a warning when R is also brought along by other runs
 * and none of the outermost of them lacks it: the consultant chained R after the integration that
 * captures the value, and only asking for R directly would fail (before anything is sent, with the same
 * message). Everything else is an error, including a variable that some outermost run does lack.
 */
function judgeRuns(steps: StepCheck[], rows: ConfigRows): { errors: ConfigIssue[]; warnings: Array<{ issue: ConfigIssue; warning: ConfigIssue }> } {
  const byId = new Map(rows.integracoes.map((r) => [r.id, r]));
  const runs = new Map<number, StepCheck[]>();
  for (const check of steps) runs.set(check.run, [...(runs.get(check.run) ?? []), check]);
  const containing = (start: number) => [...runs.keys()].filter((run) => run !== start && runs.get(run)!.some((check) => check.step === start));
  const lacks = (run: number, key: string) => runs.get(run)!.some((check) => check.issues.some((issue) => formatIssue(issue) === key));

  const errors: ConfigIssue[] = [];
  const pending = new Map<string, { issue: ConfigIssue; name: string; alone: Set<number>; providers: Set<number>; outer: Set<number> }>();
  for (const [start, checks] of runs) {
    const outer = containing(start).filter((run) => containing(run).length === 0);
    for (const check of checks) {
      for (const issue of check.issues) {
        const name = UNKNOWN_VARIABLE.exec(issue.message)?.[1];
        const key = formatIssue(issue);
        if (name === undefined || outer.length === 0 || outer.some((run) => lacks(run, key))) {
          errors.push(issue);
          continue;
        }
        const entry = pending.get(key) ?? { issue, name, alone: new Set(), providers: new Set(), outer: new Set() };
        entry.alone.add(start);
        for (const run of outer) {
          entry.outer.add(run);
          const at = runs.get(run)!.find((other) => other.step === check.step);
          for (const id of at?.earlier ?? []) if (capturedBy(byId.get(id)!).includes(name)) entry.providers.add(id);
        }
        pending.set(key, entry);
      }
    }
  }
  const list = (ids: Set<number>, joiner: string) => [...ids].sort((x, y) => x - y).join(joiner);
  const warnings = [...pending.values()].map(({ issue, alone, providers, outer }) => {
    const by = providers.size > 0 ? `integracao ${list(providers, ', ')} captures it first` : 'it is known';
    return {
      issue,
      warning: {
        ...issue,
        message: `${issue.message} only when integracao ${list(alone, ' or ')} runs on its own; ${by} in the runs of integracao ${list(outer, ', ')}`,
      },
    };
  });
  return { errors, warnings };
}

/**
 * The run `row` starts when requested by its own company, and the names a caller brings: the run's
 * parametros_obrigatorios and the built-ins. With a broken graph the row is checked alone, knowing every
 * parameter and captured name of the base, so one graph problem is not echoed as many unknown variables.
 */
function runOf(row: IntegracaoRow, rows: ConfigRows, issues: ConfigIssue[]): { order: number[]; known: Set<string> } {
  const byId = new Map(rows.integracoes.map((r) => [r.id, r]));
  try {
    const { order } = runGraph(rows.integracoes, row.id, { empresaId: row.empresa_id, empresaFilialId: row.empresa_filial_id });
    return { order, known: new Set([...order.flatMap((id) => requiredParams(byId.get(id)!)), ...BUILTIN_NAMES]) };
  } catch (err) {
    if (err instanceof ConfigError) issues.push(...err.issues);
    else if (err instanceof RequestError) issues.push({ table: 'integracao', row: row.id, message: err.message });
    else throw err;
    const everything = rows.integracoes.flatMap((r) => [...requiredParams(r), ...capturedBy(r)]);
    return { order: [row.id], known: new Set([...everything, ...BUILTIN_NAMES]) };
  }
}

/** A component is checked through the integrations that use it; one that nobody uses is still parsed. */
function componentIssues(row: IntegracaoRow, rows: ConfigRows): ConfigIssue[] {
  const consulta = parseConsulta(row.consulta, { table: 'integracao', row: row.id, column: 'consulta' });
  return [...(consulta.ok ? [] : consulta.issues), ...parseFields(row.id, rows).issues];
}

/** Columns, variables and SQL of one integration of a run, as the database sees them. */
async function checkAgainstDatabase(row: IntegracaoRow, rows: ConfigRows, known: ReadonlySet<string>, sql: SqlChecker, issues: ConfigIssue[]): Promise<void> {
  const at = (column: string): IssueLocation => ({ table: 'integracao', row: row.id, column });
  const consulta = parseConsulta(row.consulta, { table: 'integracao', row: row.id, column: 'consulta' });
  if (!consulta.ok || checkSqlVariables(consulta.value, known, at('consulta')).length > 0) return; // reported statically
  const columns = await columnsOf(sql, consulta.value, at('consulta'), issues);
  if (!columns) return;
  const { mapping } = parseMapping(row.id, rows);
  await checkFields(mapping.fields, mapping, columns, known, sql, issues, [row.id]);

  const rowKnown = new Set([...columns, ...known]);
  if (row.link) issues.push(...checkVariables(row.link, rowKnown, at('link')));
  const update = row.sql_update?.trim();
  if (update) {
    const variables = checkSqlVariables(update, new Set([...rowKnown, ...capturedBy(row)]), at('sql_update'));
    issues.push(...variables);
    if (variables.length === 0) {
      const error = await sql.prepare(update);
      if (error) issues.push({ ...at('sql_update'), message: error });
    }
  }
}

/**
 * The fields of one row layer: `campo` and CONDICAO columns must be in `columns`, `texto` and lookup
 * variables must resolve, lookups and component queries must run. A component's query sees the parent
 * row; its fields see the component's own row (as mapRecord does).
 */
async function checkFields(
  fields: FieldSpec[],
  mapping: Mapping,
  columns: string[],
  scope: ReadonlySet<string>,
  sql: SqlChecker,
  issues: ConfigIssue[],
  ancestors: number[],
): Promise<void> {
  const rowKnown = new Set([...columns, ...scope]);
  for (const field of fields) {
    const where = { table: 'campos_integracao', row: field.id, column: 'campo_crm' };
    for (const rule of field.rules) {
      if (rule.tipo === 'CONDICAO' && !columns.includes(rule.campo)) {
        issues.push({
          table: 'regras',
          row: rule.id,
          column: 'parametro',
          message: `CONDICAO tests column "${rule.campo}", which the CRM query does not return`,
        });
      }
    }
    if (field.lookup) {
      // A field with a lookup takes its value from the lookup only; its campo_crm source is not read.
      const lookupAt = { table: 'dependencias', row: field.lookup.id, column: 'consulta' };
      const variables = checkSqlVariables(field.lookup.sql, rowKnown, lookupAt);
      issues.push(...variables);
      if (variables.length === 0) await columnsOf(sql, field.lookup.sql, lookupAt, issues);
      continue;
    }
    const source = field.source;
    switch (source.kind) {
      case 'campo':
        if (!columns.includes(source.column)) issues.push({ ...where, message: `column "${source.column}" is not returned by the CRM query` });
        break;
      case 'texto':
        issues.push(...checkVariables(source.template, rowKnown, where));
        break;
      case 'componente': {
        const component = mapping.components[source.integracaoId];
        if (!component || ancestors.includes(component.integracaoId)) break; // parseComponents reports these
        const componentAt = { table: 'integracao', row: component.integracaoId, column: 'consulta' };
        const variables = checkSqlVariables(component.sql, rowKnown, componentAt);
        issues.push(...variables);
        if (variables.length > 0) break;
        const componentColumns = await columnsOf(sql, component.sql, componentAt, issues);
        if (componentColumns) {
          await checkFields(component.fields, mapping, componentColumns, scope, sql, issues, [...ancestors, component.integracaoId]);
        }
        break;
      }
      case 'valor':
        break;
    }
  }
}

async function columnsOf(sql: SqlChecker, text: string, where: IssueLocation, issues: ConfigIssue[]): Promise<string[] | undefined> {
  const described = await sql.columns(text);
  if (described.ok) return described.columns;
  issues.push({ ...where, message: described.message });
  return undefined;
}

const TABLES = ['connection file', 'conexao_integracao', 'integracao', 'campos_integracao', 'regras', 'dependencias'];

/** Without repeats (a problem met from several runs is one problem), by table, then id, then column. */
function tidy(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  const unique = issues.filter((issue) => {
    const key = formatIssue(issue);
    return seen.has(key) ? false : (seen.add(key), true);
  });
  const rank = (table?: string) => (table === undefined ? TABLES.length : TABLES.indexOf(table) < 0 ? TABLES.length : TABLES.indexOf(table));
  const id = (row?: number | string) => (typeof row === 'number' ? row : Number(row ?? 0) || 0);
  return unique
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => rank(a.issue.table) - rank(b.issue.table) || id(a.issue.row) - id(b.issue.row) || a.index - b.index)
    .map(({ issue }) => issue);
}
