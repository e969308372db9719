// Reading dates from CRM values and writing them in a pattern. Pure.
//
// Time zones: pg turns a DATE column into a JS Date at *local* midnight, and a `timestamp` (without time
// zone) into a Date at that local wall time. Formatting a Date with the local getters (getFullYear,
// getDate...) therefore gives back exactly the calendar date and time stored in the CRM, whatever the
// worker's TZ, as long as pg and the formatter run in the same process (they do: the activity maps).
// Using the UTC getters instead would shift dates by one day east of UTC. Text needs no time zone at all:
// `2024-03-05` and `2024-03-05T10:00:00` are read literally; text with an offset (`...Z`, `-03:00`) is an
// instant and is shown in local time, like a Date.
import { compileDatePattern, DEFAULT_DATE_PATTERN, formatDateParts, type DateParts, type DateToken } from '../model/date-pattern';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const BRAZILIAN = /^(\d{2})\/(\d{2})\/(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Calendar parts of a Date or date text, or undefined when it is not a valid date. */
export function dateParts(value: unknown): DateParts | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : localParts(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const iso = ISO.exec(text);
  if (iso) {
    if (iso[8] !== undefined) {
      const date = new Date(normalizeOffset(text));
      return Number.isNaN(date.getTime()) || !checked(partsOf(iso, [1, 2, 3, 4, 5, 6, 7])) ? undefined : localParts(date);
    }
    return checked(partsOf(iso, [1, 2, 3, 4, 5, 6, 7]));
  }
  const br = BRAZILIAN.exec(text);
  if (br) return checked(partsOf(br, [3, 2, 1, 4, 5, 6]));
  return undefined;
}

export function formatDate(value: unknown, pattern: string = DEFAULT_DATE_PATTERN): string | undefined {
  const parts = dateParts(value);
  return parts ? formatDateParts(parts, tokensOf(pattern)) : undefined;
}

const cache = new Map<string, DateToken[]>();

function tokensOf(pattern: string): DateToken[] {
  let tokens = cache.get(pattern);
  if (!tokens) {
    const compiled = compileDatePattern(pattern);
    // The parser rejects bad patterns before a plan exists; reaching this is a programming error.
    if (typeof compiled === 'string') throw new Error(compiled);
    tokens = compiled;
    cache.set(pattern, tokens);
  }
  return tokens;
}

function localParts(date: Date): DateParts {
  return {
    year: date.getFullYear(),
    month: date.getMonth() + 1,
    day: date.getDate(),
    hour: date.getHours(),
    minute: date.getMinutes(),
    second: date.getSeconds(),
    millisecond: date.getMilliseconds(),
  };
}

/** `+00` (pg's text form) and `+0300` → `+00:00`, `+03:00`, which Date parsing accepts everywhere. */
function normalizeOffset(text: string): string {
  return text
    .replace(' ', 'T')
    .replace(/([+-]\d{2})$/, '$1:00')
    .replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
}

function partsOf(match: RegExpExecArray, [y, mo, d, h, mi, s, ms]: number[]): DateParts {
  const number = (index: number | undefined) => (index !== undefined && match[index] !== undefined ? Number(match[index]) : 0);
  const fraction = ms !== undefined ? match[ms] : undefined;
  return {
    year: number(y),
    month: number(mo),
    day: number(d),
    hour: number(h),
    minute: number(mi),
    second: number(s),
    millisecond: fraction !== undefined ? Number(fraction.padEnd(3, '0').slice(0, 3)) : 0,
  };
}

function checked(parts: DateParts): DateParts | undefined {
  const daysInMonth = new Date(Date.UTC(parts.year, parts.month, 0)).getUTCDate();
  const valid =
    parts.month >= 1 && parts.month <= 12 && parts.day >= 1 && parts.day <= daysInMonth && parts.hour < 24 && parts.minute < 60 && parts.second < 60;
  return valid ? parts : undefined;
}
