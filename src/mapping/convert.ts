// campo_crm `tipo` and `formato` (SPEC §5.1): the last step before a value goes into the request. Pure.
import type { FieldSpec } from '../model/types';
import { formatDate } from './dates';
import { parseDecimal, toFixedText, toNumber, toSafeInteger } from './decimal';
import { fieldError, preview } from './field-error';

const TRUE_TEXT = new Set(['true', 't', '1', 's', 'sim', 'y', 'yes', 'on', 'verdadeiro', 'v']);
const FALSE_TEXT = new Set(['false', 'f', '0', 'n', 'nao', 'não', 'no', 'off', 'falso']);

/**
 * `value` converted to the field's tipo. Empty values (null, undefined, blank text) become null, except
 * that a `texto` keeps '' as ''. Without a tipo the value passes unchanged. Throws RecordError naming the field.
 */
export function convertValue(value: unknown, field: Pick<FieldSpec, 'id' | 'tipo' | 'formato'>, path: string): unknown {
  if (field.tipo === undefined) return value;
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && value.trim() === '' && field.tipo !== 'texto') return null;
  switch (field.tipo) {
    case 'texto':
      return asText(value);
    case 'inteiro': {
      // an integer column arrives as a number already: what the decimal reading would give (-0 as 0)
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value === 0 ? 0 : value;
      const decimal = parseDecimal(value);
      const integer = decimal && toSafeInteger(decimal);
      if (integer === undefined) throw notA('an integer', value, field, path);
      return integer;
    }
    case 'decimal': {
      const decimal = parseDecimal(value);
      if (!decimal) throw notA('a decimal number', value, field, path);
      if (field.formato === 'virgula') return toFixedText(decimal, 2).replace('.', ',');
      if (field.formato === 'ponto') return toFixedText(decimal, 2);
      return toNumber(decimal);
    }
    case 'data': {
      const text = formatDate(value, field.formato);
      if (text === undefined) throw notA('a valid date', value, field, path);
      return text;
    }
    case 'booleano': {
      const flag = asBoolean(value);
      if (flag === undefined) throw notA('a boolean (true/false, S/N, 1/0)', value, field, path);
      if (field.formato === undefined) return flag;
      const [yes, no] = field.formato.split('/') as [string, string];
      return flag ? yes : no;
    }
  }
}

function notA(what: string, value: unknown, field: Pick<FieldSpec, 'id'>, path: string) {
  return fieldError(path, field.id, `${preview(value)} is not ${what}`);
}

function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' || typeof value === 'bigint') {
    return value == 1 ? true : value == 0 ? false : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  return TRUE_TEXT.has(text) ? true : FALSE_TEXT.has(text) ? false : undefined;
}

/** Dates as local `yyyy-MM-dd` (or `yyyy-MM-dd HH:mm:ss` when there is a time), objects as JSON. */
function asText(value: unknown): string {
  if (value instanceof Date) {
    const hasTime = value.getHours() + value.getMinutes() + value.getSeconds() + value.getMilliseconds() > 0;
    return formatDate(value, hasTime ? 'yyyy-MM-dd HH:mm:ss' : 'yyyy-MM-dd') ?? '';
  }
  if (typeof value === 'object' && value !== null) {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  }
  return String(value);
}
