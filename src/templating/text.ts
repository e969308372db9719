// Rendering `#name#` into plain text (campo_crm `texto`) and into URL paths (API `link`). Pure.
import type { Scope } from './scope';
import { type IssueLocation, throwIfIssues, unknownVariable, variablePattern, variablesIn } from './variables';

/** `{"texto": "#ddd# #fone#"}`: each variable replaced by its value as text; null and undefined give ''. */
export function renderText(template: string, scope: Scope, where: IssueLocation = {}): string {
  return render(template, scope, where, (text) => text);
}

/** `PUT /clientes/#id_erp#`: values are URL-encoded so a `/`, `?` or `#` in data cannot change the route. */
export function renderUrlPath(template: string, scope: Scope, where: IssueLocation = {}): string {
  return render(template, scope, where, encodeURIComponent);
}

function render(template: string, scope: Scope, where: IssueLocation, encode: (text: string) => string): string {
  throwIfIssues(
    variablesIn(template)
      .filter((name) => !scope.has(name))
      .map((name) => unknownVariable(name, where)),
  );
  // One pass over the template: a value containing `#other#` is output as is, never expanded again.
  return template.replace(variablePattern(), (_match, name: string) => encode(textOf(scope.get(name))));
}

/** The text form of a value inside a template. */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return isoOrEmpty(value);
  if (typeof value === 'object') return toJson(value);
  return String(value);
}

/** JSON that tolerates bigint (pg returns int8 as string, but captured answers may hold bigint). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? '';
}

function isoOrEmpty(date: Date): string {
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}
