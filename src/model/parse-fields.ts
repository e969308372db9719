// campos_integracao + regras + dependencias of one integration → FieldSpec[], and the components its
// fields use → ComponentSpec, collecting every ConfigIssue instead of stopping at the first. Pure.
import type { ConfigIssue } from '../errors';
import { campoCrmLocation, parseCampoCrm } from './parse-campo-crm';
import { parseConsulta } from './parse-consulta';
import { parseRegra } from './parse-regra';
import { issueAt } from './parsed';
import type { CampoRow, ComponentSpec, ConfigRows, FieldSpec, LookupSpec, RuleSpec } from './types';

export { parseCampoCrm, type CampoCrmSpec } from './parse-campo-crm';
export { parseConsulta } from './parse-consulta';
export { parseRegra } from './parse-regra';

/** What mapRecord needs to build one integration's request. */
export interface Mapping {
  fields: FieldSpec[];
  components: Record<number, ComponentSpec>;
}

export const COMPONENT_LINK = 'componente';

export function isComponentLink(link: string | null | undefined): boolean {
  return (link ?? '').trim().toLowerCase() === COMPONENT_LINK;
}

/** The fields of `integracaoId`, in id order, each with its rules (id order) and its lookup. */
export function parseFields(integracaoId: number, rows: ConfigRows): { fields: FieldSpec[]; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const campos = byId(rows.campos.filter((campo) => campo.integracao_id === integracaoId));
  const fields: FieldSpec[] = [];
  for (const campo of campos) {
    const field = parseField(campo, rows, issues);
    if (field) fields.push(field);
  }
  issues.push(...pathConflicts(fields));
  return { fields, issues };
}

function parseField(campo: CampoRow, rows: ConfigRows, issues: ConfigIssue[]): FieldSpec | undefined {
  const before = issues.length;
  const path = parseTargetPath(campo, issues);
  const crm = parseCampoCrm(campo);
  if (!crm.ok) issues.push(...crm.issues);

  const rules: RuleSpec[] = [];
  for (const regra of byId(rows.regras.filter((r) => r.campos_integracao_id === campo.id))) {
    const rule = parseRegra(regra);
    if (!rule.ok) issues.push(...rule.issues);
    else if (crm.ok && crm.value.source.kind === 'componente' && rule.value.tipo !== 'CONDICAO') {
      issues.push(
        issueAt({ table: 'regras', row: regra.id, column: 'tipo' }, `${rule.value.tipo} does not apply to a "componente" field (only CONDICAO does)`),
      );
    } else rules.push(rule.value);
  }

  const dependencias = byId(rows.dependencias.filter((d) => d.campos_integracao_id === campo.id));
  let lookup: LookupSpec | undefined;
  if (dependencias.length > 1) {
    issues.push(
      issueAt(
        campoCrmLocation(campo),
        `has ${dependencias.length} dependencias (ids ${dependencias.map((d) => d.id).join(', ')}); a field takes its value from at most one lookup`,
      ),
    );
  } else if (dependencias.length === 1) {
    const dependencia = dependencias[0]!;
    const sql = parseConsulta(dependencia.consulta, { table: 'dependencias', row: dependencia.id, column: 'consulta' });
    if (!sql.ok) issues.push(...sql.issues);
    else lookup = { id: dependencia.id, sql: sql.value, obrigatoria: dependencia.obrigatoria === true };
    if (crm.ok && crm.value.source.kind === 'componente') {
      issues.push(
        issueAt({ table: 'dependencias', row: dependencia.id, column: 'campos_integracao_id' }, `a "componente" field cannot take its value from a lookup`),
      );
    }
  }

  if (issues.length > before || !crm.ok || path === undefined) return undefined;
  return { id: campo.id, path, ...crm.value, rules, ...(lookup ? { lookup } : {}) };
}

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

function parseTargetPath(campo: CampoRow, issues: ConfigIssue[]): string | undefined {
  const where = { table: 'campos_integracao', row: campo.id, column: 'campo_integracao' };
  const path = (campo.campo_integracao ?? '').trim();
  const segments = path.split('.');
  if (path === '' || segments.some((segment) => segment.trim() === '' || segment !== segment.trim())) {
    issues.push(issueAt(where, `"${campo.campo_integracao ?? ''}" is not a dotted path such as parameters.dadosGeraisCliente.nomCli`));
    return undefined;
  }
  const forbidden = segments.find((segment) => FORBIDDEN_SEGMENTS.has(segment));
  if (forbidden) {
    issues.push(issueAt(where, `"${forbidden}" cannot be used in a target path`));
    return undefined;
  }
  return path;
}

/**
 * Two fields may share a path only when both have a CONDICAO (alternatives such as cgcCpf from cpf or
 * cnpj); a path inside another field's value (`a.b` and `a.b.c`) is never allowed.
 */
function pathConflicts(fields: FieldSpec[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const conditional = (field: FieldSpec) => field.rules.some((rule) => rule.tipo === 'CONDICAO');
  for (const [index, later] of fields.entries()) {
    for (const earlier of fields.slice(0, index)) {
      const where = { table: 'campos_integracao', row: later.id, column: 'campo_integracao' };
      if (earlier.path === later.path && !(conditional(earlier) && conditional(later))) {
        issues.push(issueAt(where, `"${later.path}" is also the target of campos_integracao id=${earlier.id}; give both a CONDICAO or remove one`));
      } else if (later.path.startsWith(`${earlier.path}.`) || earlier.path.startsWith(`${later.path}.`)) {
        issues.push(issueAt(where, `"${later.path}" overlaps "${earlier.path}" of campos_integracao id=${earlier.id}`));
      }
    }
  }
  return issues;
}

/**
 * Every component reachable from `integracaoId`'s fields, transitively. A referenced integration must
 * exist and have link `componente`; components must not form a cycle.
 */
export function parseComponents(integracaoId: number, rows: ConfigRows): { components: Record<number, ComponentSpec>; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const components: Record<number, ComponentSpec> = {};
  const integracoes = new Map(rows.integracoes.map((row) => [row.id, row]));
  const references = componentReferences(rows);
  const done = new Set<number>();
  const stack: number[] = [];

  const visit = (ownerId: number) => {
    stack.push(ownerId);
    for (const { campoId, componentId } of references.get(ownerId) ?? []) {
      const where = campoCrmLocation({ id: campoId });
      const inStack = stack.indexOf(componentId);
      if (inStack >= 0) {
        const cycle = [...stack.slice(inStack), componentId];
        issues.push(issueAt(where, `components form a cycle: ${cycle.join(' → ')} (integracao ids)`));
        continue;
      }
      if (done.has(componentId)) continue;
      const row = integracoes.get(componentId);
      if (!row) {
        issues.push(issueAt(where, `"componente" ${componentId}: integracao ${componentId} does not exist`));
        continue;
      }
      if (!isComponentLink(row.link)) {
        issues.push(issueAt(where, `"componente" ${componentId}: integracao ${componentId} is not a component (its link must be "componente")`));
        continue;
      }
      done.add(componentId);
      const sql = parseConsulta(row.consulta, { table: 'integracao', row: row.id, column: 'consulta' });
      if (!sql.ok) issues.push(...sql.issues);
      const parsed = parseFields(componentId, rows);
      issues.push(...parsed.issues);
      if (sql.ok) components[componentId] = { integracaoId: componentId, nome: row.nome, sql: sql.value, fields: parsed.fields };
      visit(componentId);
    }
    stack.pop();
  };
  visit(integracaoId);
  return { components, issues };
}

/** The fields and components of one integration, with every issue of both. */
export function parseMapping(integracaoId: number, rows: ConfigRows): { mapping: Mapping; issues: ConfigIssue[] } {
  const { fields, issues } = parseFields(integracaoId, rows);
  const parsed = parseComponents(integracaoId, rows);
  return { mapping: { fields, components: parsed.components }, issues: [...issues, ...parsed.issues] };
}

/**
 * For each integration, the components its fields name (campos_integracao id → component id), in field id
 * order. Fields whose campo_crm does not parse are skipped; parseFields reports them.
 */
export function componentReferences(rows: ConfigRows): Map<number, Array<{ campoId: number; componentId: number }>> {
  const references = new Map<number, Array<{ campoId: number; componentId: number }>>();
  for (const campo of byId(rows.campos)) {
    const parsed = parseCampoCrm(campo);
    if (!parsed.ok || parsed.value.source.kind !== 'componente') continue;
    const list = references.get(campo.integracao_id) ?? [];
    list.push({ campoId: campo.id, componentId: parsed.value.source.integracaoId });
    references.set(campo.integracao_id, list);
  }
  return references;
}

function byId<T extends { id: number }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => a.id - b.id);
}
