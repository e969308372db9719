// One CRM row → the receiver's request (SPEC §5): source or lookup, rules, tipo/formato, obrigatorio,
// then the value set at its dotted path. Components recurse with the component row as the row. Pure:
// the only I/O is the injected `query`, so the same code maps inside an activity or a test.
import { ConfigError } from '../errors';
import type { Mapping } from '../model/parse-fields';
import type { ComponentSpec, FieldSource, FieldSpec } from '../model/types';
import type { Scope } from '../templating/scope';
import { bindSql, type BoundSql } from '../templating/sql';
import { renderText } from '../templating/text';
import { convertValue } from './convert';
import { fieldError, isBlank } from './field-error';
import { setNewPath } from './paths';
import { applyRule, conditionHolds, type Condition, type ValueRule } from './rules';

export type CrmRow = Record<string, unknown>;

export interface MappingDeps {
  /** Runs a bound query on the CRM and returns its rows (column order preserved). */
  query(sql: BoundSql): Promise<CrmRow[]>;
}

/**
 * Builds the request for `row`. Throws RecordError (this record cannot be sent; nothing was sent) or
 * ConfigError (the mapping does not fit the CRM query, e.g. a column it does not return).
 * `scope` holds captured values, params and built-ins; its row layer is replaced by `row`.
 */
export async function mapRecord(input: Mapping, row: CrmRow, scope: Scope, deps: MappingDeps): Promise<Record<string, unknown>> {
  return mapRow(input, input.fields, row, scope, deps, '');
}

/** A field made ready once per field list: its conditions apart from its value rules, its path split. */
interface ReadyField {
  field: FieldSpec;
  conditions: Condition[];
  valueRules: ValueRule[];
  segments: string[];
}

/** Field lists made ready, by list: a plan's fields are mapped for every record of a chunk, unchanged. */
const READY = new WeakMap<FieldSpec[], ReadyField[]>();

function ready(fields: FieldSpec[]): ReadyField[] {
  let list = READY.get(fields);
  if (!list) {
    list = [...fields]
      .sort((a, b) => a.id - b.id)
      .map((field) => ({
        field,
        conditions: field.rules.filter((rule): rule is Condition => rule.tipo === 'CONDICAO'),
        valueRules: field.rules.filter((rule): rule is ValueRule => rule.tipo !== 'CONDICAO'),
        segments: field.path.split('.'),
      }));
    READY.set(fields, list);
  }
  return list;
}

async function mapRow(input: Mapping, fields: FieldSpec[], row: CrmRow, scope: Scope, deps: MappingDeps, prefix: string): Promise<Record<string, unknown>> {
  const request: Record<string, unknown> = {};
  const setBy = new Map<string, number>();
  const rowScope = scope.with({ row });
  for (const { field, conditions, valueRules, segments } of ready(fields)) {
    const path = prefix + field.path;
    // Conditions read only the CRM row, so they go first: a field left out runs no lookup or component
    // query and cannot fail the record.
    if (!conditions.every((rule) => conditionHolds(rule, row))) continue;

    // awaited only when it queries the CRM: a field from the row itself is mapped in the same turn
    const source = field.source;
    let value = field.lookup
      ? await lookup(field, path, rowScope, deps)
      : source.kind === 'componente'
        ? await mapComponent(input, componentOf(input, field, source.integracaoId), path, row, scope, deps)
        : sourceValue(field, source, row, rowScope);
    for (const rule of valueRules) value = applyRule(value, rule);
    value = convertValue(value, field, path);
    if (field.obrigatorio && isBlank(value)) throw fieldError(path, field.id, 'is required but empty');

    const earlier = setBy.get(field.path);
    if (earlier !== undefined) {
      throw fieldError(path, field.id, `is also set by campos_integracao id=${earlier}: their CONDICAO rules both held`);
    }
    if (!setNewPath(request, segments, value)) {
      throw new ConfigError([
        { table: 'campos_integracao', row: field.id, column: 'campo_integracao', message: `"${field.path}" overlaps another field's path` },
      ]);
    }
    setBy.set(field.path, field.id);
  }
  return request;
}

const sourceWhere = (field: FieldSpec) => ({ table: 'campos_integracao', row: field.id, column: 'campo_crm' });

/** A campo, valor or texto source: read from the row, the configuration or the scope, without I/O. */
function sourceValue(field: FieldSpec, source: Exclude<FieldSource, { kind: 'componente' }>, row: CrmRow, rowScope: Scope): unknown {
  switch (source.kind) {
    case 'campo':
      if (!Object.prototype.hasOwnProperty.call(row, source.column)) {
        throw new ConfigError([{ ...sourceWhere(field), message: `column "${source.column}" is not returned by the CRM query` }]);
      }
      return row[source.column];
    case 'valor':
      // A copy, so one request never shares an object with the next.
      return typeof source.value === 'object' && source.value !== null ? JSON.parse(JSON.stringify(source.value)) : source.value;
    case 'texto':
      return renderText(source.template, rowScope, sourceWhere(field));
  }
}

function componentOf(input: Mapping, field: FieldSpec, integracaoId: number): ComponentSpec {
  const component = input.components[integracaoId];
  if (!component) {
    throw new ConfigError([{ ...sourceWhere(field), message: `component integracao ${integracaoId} was not loaded with this mapping` }]);
  }
  return component;
}

/** The component's query runs with the parent row as the row layer (`#id#` is the parent's id). */
async function mapComponent(
  input: Mapping,
  component: ComponentSpec,
  path: string,
  parentRow: CrmRow,
  scope: Scope,
  deps: MappingDeps,
): Promise<Array<Record<string, unknown>>> {
  const sql = bindSql(component.sql, scope.with({ row: parentRow }), {
    table: 'integracao',
    row: component.integracaoId,
    column: 'consulta',
  });
  const rows = await deps.query(sql);
  const items: Array<Record<string, unknown>> = [];
  for (const [index, componentRow] of rows.entries()) {
    items.push(await mapRow(input, component.fields, componentRow, scope, deps, `${path}[${index}].`));
  }
  return items;
}

/** The first column of the lookup's first row; no row (or a null there) is null, or an error when obrigatoria. */
async function lookup(field: FieldSpec, path: string, rowScope: Scope, deps: MappingDeps): Promise<unknown> {
  const spec = field.lookup!;
  const sql = bindSql(spec.sql, rowScope, { table: 'dependencias', row: spec.id, column: 'consulta' });
  const [first] = await deps.query(sql);
  const value = first === undefined ? null : (Object.values(first)[0] ?? null);
  if (value === null && spec.obrigatoria) {
    throw fieldError(path, field.id, `has no value: lookup dependencias id=${spec.id} is obrigatoria and found ${first ? 'null' : 'no row'}`);
  }
  return value;
}
