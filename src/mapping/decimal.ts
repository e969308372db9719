// Decimal numbers as digit strings, so `numeric` values from pg (strings) keep every digit and G5's
// `350,20` is rounded half away from zero on the decimal text, not on a binary float. Pure.

export interface Decimal {
  negative: boolean;
  /** integer digits, no leading zeros except a lone "0" */
  int: string;
  /** fraction digits, possibly empty */
  frac: string;
}

/**
 * Reads a number, bigint or text. In text, when both `.` and `,` appear the last one is the decimal
 * separator and the other groups thousands (`1.234,56`, `1,234.56`); a single `.` or `,` is the decimal
 * separator (`350.2`, `350,2`); a separator repeated with no other (`1.234.567`) groups thousands.
 */
export function parseDecimal(value: unknown): Decimal | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? split(numberText(value)) : undefined;
  if (typeof value === 'bigint') return split(value.toString());
  if (typeof value !== 'string') return undefined;
  let text = value.trim();
  if (!/^[+-]?[\d.,]*\d[\d.,]*$/.test(text)) return undefined;
  const lastDot = text.lastIndexOf('.');
  const lastComma = text.lastIndexOf(',');
  if (lastDot >= 0 && lastComma >= 0) {
    const [decimal, group] = lastDot > lastComma ? ['.', ','] : [',', '.'];
    text = text.split(group).join('').replace(decimal, '.');
  } else {
    const separator = lastDot >= 0 ? '.' : lastComma >= 0 ? ',' : undefined;
    if (separator !== undefined) {
      const count = text.split(separator).length - 1;
      text = count === 1 ? text.replace(separator, '.') : text.split(separator).join('');
    }
  }
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(text) && (text.match(/\./g) ?? []).length <= 1 ? split(text) : undefined;
}

function numberText(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  // 1e21 and up, or below 1e-6: String() switches to exponent notation.
  return Math.abs(value) >= 1 ? BigInt(Math.trunc(value)).toString() : value.toFixed(20);
}

function split(text: string): Decimal {
  const negative = text.startsWith('-');
  const unsigned = text.replace(/^[+-]/, '');
  const [int = '', frac = ''] = unsigned.split('.');
  const decimal = { negative, int: int.replace(/^0+(?=\d)/, '') || '0', frac };
  return isZero(decimal) ? { ...decimal, negative: false } : decimal;
}

function isZero(decimal: Decimal): boolean {
  return /^0*$/.test(decimal.int) && /^0*$/.test(decimal.frac);
}

/** Rounded half away from zero to `places` decimals: `{350, "2"}` → "350.20". */
export function toFixedText(decimal: Decimal, places: number): string {
  const frac = decimal.frac.padEnd(places + 1, '0');
  let digits = BigInt(decimal.int + frac.slice(0, places));
  if (Number(frac[places]) >= 5) digits += 1n;
  const text = digits.toString().padStart(places + 1, '0');
  const body = places > 0 ? `${text.slice(0, -places)}.${text.slice(-places)}` : text;
  return decimal.negative && digits !== 0n ? `-${body}` : body;
}

/** The value as a JS number (may lose digits beyond double precision). */
export function toNumber(decimal: Decimal): number {
  return Number(`${decimal.negative ? '-' : ''}${decimal.int}.${decimal.frac || '0'}`);
}

/** The integer value, or undefined when there is a non-zero fraction or it is beyond 2^53. */
export function toSafeInteger(decimal: Decimal): number | undefined {
  if (!/^0*$/.test(decimal.frac)) return undefined;
  const value = Number(`${decimal.negative ? '-' : ''}${decimal.int}`);
  return Number.isSafeInteger(value) ? value : undefined;
}
