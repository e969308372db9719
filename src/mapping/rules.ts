// regras (SPEC §5.2) applied to one field's value. Pure.
import { ConfigError } from '../errors';
import type { RuleSpec } from '../model/types';
import { textOf } from '../templating/text';
import { isBlank } from './field-error';

export type Condition = Extract<RuleSpec, { tipo: 'CONDICAO' }>;
export type ValueRule = Exclude<RuleSpec, Condition>;

/**
 * Whether a CONDICAO holds for the CRM row. Values compare as text (`1` equals "1", null equals "");
 * a list means "any of". The tested column must be one the CRM query returns: otherwise ConfigError.
 */
export function conditionHolds(rule: Condition, row: Record<string, unknown>): boolean {
  if (!Object.prototype.hasOwnProperty.call(row, rule.campo)) {
    throw new ConfigError([
      {
        table: 'regras',
        row: rule.id,
        column: 'parametro',
        message: `CONDICAO tests column "${rule.campo}", which the CRM query does not return`,
      },
    ]);
  }
  const actual = textOf(row[rule.campo]);
  const equalsAny = (expected: unknown) => (Array.isArray(expected) ? expected : [expected]).some((item) => textOf(item) === actual);
  return 'igual' in rule ? equalsAny(rule.igual) : !equalsAny(rule.diferente);
}

/** One value rule. Null and undefined pass unchanged through every rule but PADRAO. */
export function applyRule(value: unknown, rule: ValueRule): unknown {
  switch (rule.tipo) {
    case 'PADRAO':
      return isBlank(value) ? rule.value : value;
    case 'DE_PARA': {
      // Unmapped values pass unchanged; own keys only, so "constructor" is not found on the prototype.
      const key = textOf(value);
      return Object.prototype.hasOwnProperty.call(rule.map, key) ? rule.map[key] : value;
    }
    default:
      if (value === null || value === undefined) return value;
  }
  const text = textOf(value);
  switch (rule.tipo) {
    case 'SOMENTE_DIGITOS':
      return text.replace(/\D/g, '');
    case 'MAIUSCULAS':
      return text.toUpperCase();
    case 'TRUNCAR':
      // By code point, so an emoji or a combining pair is never cut in half into invalid UTF-16.
      return Array.from(text).slice(0, rule.length).join('');
  }
}
