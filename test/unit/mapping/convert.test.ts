import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RecordError } from '../../../src/errors';
import { convertValue } from '../../../src/mapping';
import type { ValueType } from '../../../src/model/types';

const convert = (value: unknown, tipo?: ValueType, formato?: string) =>
  convertValue(value, { id: 7, ...(tipo ? { tipo } : {}), ...(formato ? { formato } : {}) }, 'parameters.x');

function rejects(value: unknown, tipo: ValueType, formato?: string): RecordError {
  try {
    convert(value, tipo, formato);
  } catch (error) {
    assert.ok(error instanceof RecordError);
    assert.equal(error.field, 'parameters.x');
    assert.match(error.message, /^field parameters\.x \(campos_integracao id=7\) /);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(value)} to be rejected as ${tipo}`);
}

describe('convertValue without tipo', () => {
  it('passes any value unchanged', () => {
    const date = new Date(2024, 0, 2);
    assert.equal(convert(date), date);
    assert.equal(convert('  x '), '  x ');
    assert.equal(convert(undefined), undefined);
  });
});

describe('convertValue texto', () => {
  it('turns values into text and keeps empty text', () => {
    assert.equal(convert(42, 'texto'), '42');
    assert.equal(convert(true, 'texto'), 'true');
    assert.equal(convert('', 'texto'), '');
    assert.equal(convert(null, 'texto'), null);
    assert.equal(convert({ a: 1n }, 'texto'), '{"a":"1"}');
  });

  it('writes a Date as its local calendar date, with the time only when there is one', () => {
    assert.equal(convert(new Date(2024, 2, 5), 'texto'), '2024-03-05');
    assert.equal(convert(new Date(2024, 2, 5, 14, 30, 0), 'texto'), '2024-03-05 14:30:00');
  });
});

describe('convertValue inteiro', () => {
  it('reads numbers, numeric text and bigint', () => {
    assert.equal(convert(42, 'inteiro'), 42);
    assert.equal(convert(' 007 ', 'inteiro'), 7);
    assert.equal(convert('-3', 'inteiro'), -3);
    assert.equal(convert('12.00', 'inteiro'), 12);
    assert.equal(convert(10n, 'inteiro'), 10);
  });

  it('takes an integer number as it is, but -0 as 0 and never past 2^53', () => {
    assert.equal(convert(-7, 'inteiro'), -7);
    assert.ok(Object.is(convert(-0, 'inteiro'), 0));
    assert.equal(convert(Number.MAX_SAFE_INTEGER, 'inteiro'), Number.MAX_SAFE_INTEGER);
    rejects(2 ** 53, 'inteiro');
    rejects(Number.NaN, 'inteiro');
  });

  it('turns empty values into null', () => {
    assert.equal(convert('  ', 'inteiro'), null);
    assert.equal(convert(null, 'inteiro'), null);
  });

  it('rejects non-numeric text, fractions and unsafe integers naming the field', () => {
    assert.match(rejects('abc', 'inteiro').message, /"abc" is not an integer/);
    rejects('12.5', 'inteiro');
    rejects(1.5, 'inteiro');
    rejects('99999999999999999999', 'inteiro');
    rejects(true, 'inteiro');
  });
});

describe('convertValue decimal', () => {
  it('gives a number by default, reading dot, comma and thousands separators', () => {
    assert.equal(convert('350.2', 'decimal'), 350.2);
    assert.equal(convert('350,2', 'decimal'), 350.2);
    assert.equal(convert('1.234,56', 'decimal'), 1234.56);
    assert.equal(convert('1,234.56', 'decimal'), 1234.56);
    assert.equal(convert('1.234.567', 'decimal'), 1234567);
    assert.equal(convert(12, 'decimal'), 12);
  });

  it('gives G5 text with a comma and two decimals for formato virgula', () => {
    assert.equal(convert(350.2, 'decimal', 'virgula'), '350,20');
    assert.equal(convert('350.2', 'decimal', 'virgula'), '350,20');
    assert.equal(convert(0, 'decimal', 'virgula'), '0,00');
    assert.equal(convert(-5.5, 'decimal', 'virgula'), '-5,50');
  });

  it('rounds half away from zero on the decimal text, not on the float', () => {
    assert.equal(convert(1.005, 'decimal', 'virgula'), '1,01');
    assert.equal(convert('2.675', 'decimal', 'ponto'), '2.68');
    assert.equal(convert('-0.004', 'decimal', 'virgula'), '0,00');
    assert.equal(convert('99.995', 'decimal', 'virgula'), '100,00');
  });

  it('keeps every digit of a long numeric from pg', () => {
    assert.equal(convert('12345678901234567.891', 'decimal', 'ponto'), '12345678901234567.89');
  });

  it('writes numbers in exponent notation without the exponent', () => {
    assert.equal(convert(1e21, 'decimal', 'ponto'), '1000000000000000000000.00');
    assert.equal(convert(1e-7, 'decimal', 'virgula'), '0,00');
  });

  it('rejects text that is not a number', () => {
    assert.match(rejects('R$ 10', 'decimal').message, /is not a decimal number/);
    rejects('1,2.3,4', 'decimal');
    rejects(Number.NaN, 'decimal');
    rejects(Infinity, 'decimal', 'virgula');
  });
});

describe('convertValue data', () => {
  it('formats a pg DATE (a Date at local midnight) with dd/MM/yyyy by default', () => {
    assert.equal(convert(new Date(2024, 2, 5), 'data'), '05/03/2024');
  });

  it('formats a Date with local time in any pattern', () => {
    const date = new Date(2024, 11, 31, 23, 59, 58, 7);
    assert.equal(convert(date, 'data', 'yyyy-MM-dd'), '2024-12-31');
    assert.equal(convert(date, 'data', 'dd/MM/yyyy HH:mm'), '31/12/2024 23:59');
    assert.equal(convert(date, 'data', "yyyy-MM-dd'T'HH:mm:ss.SSS"), '2024-12-31T23:59:58.007');
    assert.equal(convert(date, 'data', 'yyMMdd'), '241231');
  });

  it('reads yyyy-MM-dd and ISO text without a zone literally', () => {
    assert.equal(convert('2024-03-05', 'data'), '05/03/2024');
    assert.equal(convert('2024-03-05T10:20:30', 'data', 'dd/MM/yyyy HH:mm'), '05/03/2024 10:20');
    assert.equal(convert('2024-03-05 10:20', 'data', 'HH:mm'), '10:20');
  });

  it('reads dd/MM/yyyy text', () => {
    assert.equal(convert('05/03/2024', 'data', 'yyyy-MM-dd'), '2024-03-05');
  });

  it('reads ISO text with a zone as an instant shown in local time, like a Date', () => {
    const instant = '2024-03-05T12:00:00Z';
    assert.equal(convert(instant, 'data', 'yyyy-MM-dd HH:mm'), convert(new Date(instant), 'data', 'yyyy-MM-dd HH:mm'));
    assert.equal(convert('2024-03-05 12:00:00+00', 'data', 'yyyy-MM-dd HH:mm'), convert(new Date(instant), 'data', 'yyyy-MM-dd HH:mm'));
  });

  it('rejects impossible and unreadable dates naming the field', () => {
    assert.match(rejects('2023-02-29', 'data').message, /is not a valid date/);
    rejects('31/04/2024', 'data');
    rejects('2024-13-01', 'data');
    rejects('ontem', 'data');
    rejects(new Date('nope'), 'data');
    rejects(1709600000000, 'data');
  });

  it('accepts the leap day of a leap year', () => {
    assert.equal(convert('2024-02-29', 'data'), '29/02/2024');
  });
});

describe('convertValue booleano', () => {
  for (const yes of [true, 'S', 's', 'SIM', '1', 1, 'true', 'T', 'yes']) {
    it(`reads ${JSON.stringify(yes)} as true`, () => assert.equal(convert(yes, 'booleano'), true));
  }
  for (const no of [false, 'N', 'nao', 'não', '0', 0, 'false', 'F', 'no']) {
    it(`reads ${JSON.stringify(no)} as false`, () => assert.equal(convert(no, 'booleano'), false));
  }

  it('writes the texts of formato S/N', () => {
    assert.equal(convert(true, 'booleano', 'S/N'), 'S');
    assert.equal(convert('0', 'booleano', 'S/N'), 'N');
  });

  it('rejects anything else', () => {
    assert.match(rejects('talvez', 'booleano').message, /is not a boolean/);
    rejects(2, 'booleano');
  });
});
