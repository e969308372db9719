// indice_array_retorno / indice_erro_retorno / indice_valor_retorno: raw column text → checked rules. Pure.
import type { ConfigIssue } from '../errors';
import type { AnswerRules } from '../model/types';

/**
 * One entry of indice_erro_retorno:
 * `erro` → a non-empty value is an error; `tipoRetorno=2` → that value is an error; `retorno!=OK` → any
 * other value is an error.
 */
export type ErrorRule = { key: string; op: 'filled'; text: string } | { key: string; op: 'equals' | 'notEquals'; expected: string; text: string };

export interface ParsedAnswerRules {
  /** null = the whole answer is the feedback. */
  arrayKey: string | null;
  errorRules: ErrorRule[];
  valueKeys: string[];
}

export const ANSWER_COLUMNS = {
  arrayKey: 'indice_array_retorno',
  errorKeys: 'indice_erro_retorno',
  valueKeys: 'indice_valor_retorno',
} as const;

/** The keyword the seed uses for "the whole answer". */
const WHOLE_ANSWER = 'parameters';

export function parseAnswerRules(rules: AnswerRules, where: Omit<ConfigIssue, 'message' | 'column'> = {}): { rules: ParsedAnswerRules; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const issue = (column: string, message: string) => issues.push({ ...where, column, message });

  const arrayKey = rules.arrayKey?.trim() ?? '';
  if (arrayKey.includes(',')) issue(ANSWER_COLUMNS.arrayKey, `names one key, got the list "${arrayKey}"`);

  const errorRules: ErrorRule[] = [];
  for (const entry of entries(rules.errorKeys)) {
    const rule = parseErrorRule(entry);
    if (rule.key === '') issue(ANSWER_COLUMNS.errorKeys, emptyKey(rules.errorKeys));
    else errorRules.push(rule);
  }

  const valueKeys: string[] = [];
  for (const entry of entries(rules.valueKeys)) {
    if (entry === '') issue(ANSWER_COLUMNS.valueKeys, emptyKey(rules.valueKeys));
    else if (entry.includes('=')) issue(ANSWER_COLUMNS.valueKeys, `"${entry}": value keys take no comparison`);
    else if (!valueKeys.includes(entry)) valueKeys.push(entry);
  }

  return {
    rules: { arrayKey: arrayKey === '' || arrayKey === WHOLE_ANSWER ? null : arrayKey, errorRules, valueKeys },
    issues,
  };
}

/** The names an indice_valor_retorno captures (its well-formed value keys), as parseAnswerRules reads them. */
export function capturedNames(valueKeys: string | null): string[] {
  return parseAnswerRules({ arrayKey: null, errorKeys: null, valueKeys }).rules.valueKeys;
}

/** Trimmed comma-separated entries; an empty or null column has none (but `a,,b` has an empty one). */
function entries(text: string | null): string[] {
  if (text === null || text.trim() === '') return [];
  return text.split(',').map((entry) => entry.trim());
}

function parseErrorRule(text: string): ErrorRule {
  const at = text.indexOf('=');
  if (at < 0) return { key: text, op: 'filled', text };
  const negated = text[at - 1] === '!';
  return {
    key: text.slice(0, negated ? at - 1 : at).trim(),
    op: negated ? 'notEquals' : 'equals',
    expected: text.slice(at + 1).trim(),
    text,
  };
}

function emptyKey(column: string | null): string {
  return `empty key name in "${column}"`;
}
