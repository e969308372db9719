// regras (SPEC §5.2): one rule that transforms or filters a field's value. Pure.
import type { ConfigIssue } from '../errors';
import { quoteList } from './parse-consulta';
import { hasOwn, issueAt, parseJsonObject, type Parsed } from './parsed';
import type { RegraRow, RuleSpec } from './types';

export const RULE_TYPES = ['DE_PARA', 'SOMENTE_DIGITOS', 'MAIUSCULAS', 'TRUNCAR', 'PADRAO', 'CONDICAO'] as const;

/** `tipo` is matched without regard to case or surrounding spaces (`de_para` is DE_PARA). */
export function parseRegra(row: RegraRow): Parsed<RuleSpec> {
  const where = { table: 'regras', row: row.id, column: 'parametro' };
  const fail = (message: string, column = 'parametro'): Parsed<RuleSpec> => ({
    ok: false,
    issues: [issueAt({ ...where, column }, message)],
  });
  const tipo = (row.tipo ?? '').trim().toUpperCase();
  switch (tipo) {
    case 'SOMENTE_DIGITOS':
    case 'MAIUSCULAS':
      return { ok: true, value: { id: row.id, tipo } };
    case 'DE_PARA': {
      const json = parseJsonObject(row.parametro, where, 'a JSON map such as {"PJ": "J", "PF": "F"}');
      return json.ok ? { ok: true, value: { id: row.id, tipo, map: json.value } } : json;
    }
    case 'TRUNCAR': {
      const text = (row.parametro ?? '').trim();
      const length = /^\d+$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(length) || length <= 0) {
        return fail(`TRUNCAR needs a positive integer length, not ${JSON.stringify(row.parametro)}`);
      }
      return { ok: true, value: { id: row.id, tipo, length } };
    }
    case 'PADRAO':
      if (row.parametro === null || row.parametro === undefined || row.parametro === '') {
        return fail('PADRAO needs the value to use when the field is empty');
      }
      return { ok: true, value: { id: row.id, tipo, value: row.parametro } };
    case 'CONDICAO':
      return parseCondicao(row);
    default:
      return fail(`unknown rule type ${JSON.stringify(row.tipo)}; expected one of ${RULE_TYPES.join(', ')}`, 'tipo');
  }
}

const CONDICAO_SHAPE = '{"campo": "tipo_pessoa", "igual": "F"} or {"campo": ..., "diferente": ...}';

function parseCondicao(row: RegraRow): Parsed<RuleSpec> {
  const where = { table: 'regras', row: row.id, column: 'parametro' };
  const json = parseJsonObject(row.parametro, where, CONDICAO_SHAPE);
  if (!json.ok) return json;
  const spec = json.value;
  const issues: ConfigIssue[] = [];
  const unknown = Object.keys(spec).filter((key) => !['campo', 'igual', 'diferente'].includes(key));
  if (unknown.length > 0) issues.push(issueAt(where, `unknown key ${quoteList(unknown)}; expected ${CONDICAO_SHAPE}`));
  const campo = spec.campo;
  if (typeof campo !== 'string' || campo.trim() === '') {
    issues.push(issueAt(where, `CONDICAO needs "campo", the CRM column to test; expected ${CONDICAO_SHAPE}`));
  }
  const hasIgual = hasOwn(spec, 'igual');
  const hasDiferente = hasOwn(spec, 'diferente');
  if (hasIgual === hasDiferente) {
    issues.push(issueAt(where, `CONDICAO needs exactly one of "igual" and "diferente"; expected ${CONDICAO_SHAPE}`));
  }
  for (const key of ['igual', 'diferente'] as const) {
    const value = spec[key];
    if (hasOwn(spec, key) && !isComparable(value)) {
      issues.push(issueAt(where, `"${key}" must be a text, number, boolean, null or a list of them`));
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: {
      id: row.id,
      tipo: 'CONDICAO',
      campo: (campo as string).trim(),
      ...(hasIgual ? { igual: spec.igual } : { diferente: spec.diferente }),
    },
  };
}

function isComparable(value: unknown): boolean {
  const scalar = (item: unknown) => item === null || ['string', 'number', 'boolean'].includes(typeof item);
  return Array.isArray(value) ? value.length > 0 && value.every(scalar) : scalar(value);
}
