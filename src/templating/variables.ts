// `#name#` variables (SPEC §4): the one scanner every kind of template shares. Pure.
import { ConfigError, type ConfigIssue } from '../errors';

/** Where a template lives (table, row, column), so an issue points a consultant at it. */
export type IssueLocation = Omit<ConfigIssue, 'message'>;

const NAME = '[A-Za-z_][A-Za-z0-9_]*';

/** A fresh global pattern per call: a shared /g regex carries lastIndex between callers. */
export function variablePattern(): RegExp {
  return new RegExp(`#(${NAME})#`, 'g');
}

/** A sticky pattern that matches a variable starting exactly at `lastIndex`. */
export function variableAt(text: string, index: number): string | undefined {
  const pattern = new RegExp(`#(${NAME})#`, 'y');
  pattern.lastIndex = index;
  return pattern.exec(text)?.[1];
}

/** Unique variable names in order of first appearance. */
export function variablesIn(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(variablePattern())) names.add(match[1]!);
  return [...names];
}

export function unknownVariable(name: string, where: IssueLocation = {}): ConfigIssue {
  return { ...where, message: `unknown variable #${name}#` };
}

/** Issues for every variable of `text` that `known` lacks (for validators, which collect instead of throwing). */
export function checkVariables(text: string, known: ReadonlySet<string>, where: IssueLocation = {}): ConfigIssue[] {
  return variablesIn(text)
    .filter((name) => !known.has(name))
    .map((name) => unknownVariable(name, where));
}

export function throwIfIssues(issues: ConfigIssue[]): void {
  if (issues.length > 0) throw new ConfigError(issues);
}
