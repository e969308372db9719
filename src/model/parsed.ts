// Small helpers shared by the parsers: where an issue is, and a result that carries every issue. Pure.
import type { ConfigIssue } from '../errors';

/** The cell a configuration value came from. */
export interface IssueLocation {
  table: string;
  row: number | string;
  column: string;
}

/** A parsed value, or every issue found while parsing it. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: ConfigIssue[] };

export function issueAt(where: IssueLocation, message: string): ConfigIssue {
  return { table: where.table, row: where.row, column: where.column, message };
}

export function finish<T>(issues: ConfigIssue[], value: () => T): Parsed<T> {
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: value() };
}

/** JSON.parse that reports instead of throwing; `what` names the expected shape for the message. */
export function parseJsonObject(text: string | null | undefined, where: IssueLocation, what: string): Parsed<Record<string, unknown>> {
  if (text === null || text === undefined || text.trim() === '') {
    return { ok: false, issues: [issueAt(where, `is empty; expected ${what}`)] };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, issues: [issueAt(where, `is not valid JSON (${reason}); expected ${what}`)] };
  }
  if (!isPlainObject(value)) {
    return { ok: false, issues: [issueAt(where, `must be a JSON object; expected ${what}`)] };
  }
  return { ok: true, value };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}
