// Date patterns for campo_crm `"tipo": "data"` (`dd/MM/yyyy`, `yyyy-MM-dd'T'HH:mm:ss`). Pure.
// The grammar lives here so the parser can reject a bad pattern once, before anything is sent.

export type DateToken = { kind: 'field'; field: 'yyyy' | 'yy' | 'MM' | 'dd' | 'HH' | 'mm' | 'ss' | 'SSS' } | { kind: 'literal'; text: string };

const FIELDS = ['yyyy', 'yy', 'MM', 'dd', 'HH', 'mm', 'ss', 'SSS'] as const;
const TOKEN = /yyyy|yy|MM|dd|HH|mm|ss|SSS|'[^']*'|[A-Za-z]+|[^A-Za-z']+|'/g;

export const DEFAULT_DATE_PATTERN = 'dd/MM/yyyy';

/** Tokens of `pattern`, or a message saying what is wrong with it. Letters are fields; quote literal text. */
export function compileDatePattern(pattern: string): DateToken[] | string {
  if (pattern.trim() === '') return 'the date pattern is empty';
  const tokens: DateToken[] = [];
  for (const match of pattern.matchAll(TOKEN)) {
    const text = match[0];
    if ((FIELDS as readonly string[]).includes(text)) {
      tokens.push({ kind: 'field', field: text as (typeof FIELDS)[number] });
    } else if (text === "'") {
      return `unclosed quote in date pattern "${pattern}"`;
    } else if (text.startsWith("'")) {
      tokens.push({ kind: 'literal', text: text.slice(1, -1) });
    } else if (/[A-Za-z]/.test(text)) {
      return `unknown "${text}" in date pattern "${pattern}" (use yyyy, yy, MM, dd, HH, mm, ss, SSS; quote literal letters)`;
    } else {
      tokens.push({ kind: 'literal', text });
    }
  }
  if (!tokens.some((token) => token.kind === 'field')) return `date pattern "${pattern}" has no date field`;
  return tokens;
}

/** Calendar parts of a date, as they should appear in the output (no time zone arithmetic here). */
export interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export function formatDateParts(parts: DateParts, tokens: DateToken[]): string {
  return tokens
    .map((token) => {
      if (token.kind === 'literal') return token.text;
      switch (token.field) {
        case 'yyyy':
          return pad(parts.year, 4);
        case 'yy':
          return pad(parts.year % 100, 2);
        case 'MM':
          return pad(parts.month, 2);
        case 'dd':
          return pad(parts.day, 2);
        case 'HH':
          return pad(parts.hour, 2);
        case 'mm':
          return pad(parts.minute, 2);
        case 'ss':
          return pad(parts.second, 2);
        case 'SSS':
          return pad(parts.millisecond, 3);
      }
    })
    .join('');
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
