// integracao.consulta and dependencias.consulta: `{"consulta": "SELECT ..."}` → the SQL text. Pure.
import type { ConfigIssue } from '../errors';
import { issueAt, parseJsonObject, type IssueLocation, type Parsed } from './parsed';

const SHAPE = '{"consulta": "SELECT ..."}';

export function parseConsulta(text: string | null | undefined, where: IssueLocation): Parsed<string> {
  const json = parseJsonObject(text, where, SHAPE);
  if (!json.ok) return json;
  const issues: ConfigIssue[] = [];
  const extra = Object.keys(json.value).filter((key) => key !== 'consulta');
  if (extra.length > 0) issues.push(issueAt(where, `unknown key ${quoteList(extra)}; expected ${SHAPE}`));
  const sql = json.value.consulta;
  if (sql === undefined) issues.push(issueAt(where, `has no "consulta" key; expected ${SHAPE}`));
  else if (typeof sql !== 'string') issues.push(issueAt(where, `"consulta" must be a string`));
  else if (sql.trim() === '') issues.push(issueAt(where, `"consulta" is empty`));
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: (sql as string).trim() };
}

export function quoteList(keys: string[]): string {
  return keys.map((key) => `"${key}"`).join(', ');
}
