import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatDouble, formatG, tryParseDouble, tryParseInt64 } from '../../src/util/numbers.js';

describe('formatDouble (%.17g)', () => {
  it('prints as glibc printf does, ties to even (values checked against C printf)', () => {
    const cases: [number, string][] = [
      [1.1, '1.1000000000000001'],
      [0.1, '0.10000000000000001'],
      [1e17, '1e+17'],
      [1e16, '10000000000000000'],
      [23051141649427610, '23051141649427608'],
      [-2240808692921605.2, '-2240808692921605.2'],
      [1e-7, '9.9999999999999995e-08'],
      [0.0001, '0.0001'],
      [1.5e-5, '1.5e-05'],
      [5e-324, '4.9406564584124654e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [-0, '-0'],
      [0, '0'],
      [Number.POSITIVE_INFINITY, 'inf'],
      [Number.NEGATIVE_INFINITY, '-inf'],
    ];
    for (const [v, s] of cases) expect(formatDouble(v), String(v)).toBe(s);
  });

  test.prop([fc.double({ noNaN: true, noDefaultInfinity: true })])('round-trips every double', (d) => {
    const s = formatG(d, 17);
    expect(Object.is(Number(s), d) || (d === 0 && Number(s) === 0)).toBe(true);
  });
});

describe('tryParseInt64 (string2ll)', () => {
  it('accepts exactly what Redis accepts', () => {
    expect(tryParseInt64('0')).toBe(0);
    expect(tryParseInt64('-1')).toBe(-1);
    expect(tryParseInt64('9223372036854775807')).toBe(9223372036854775807n);
    expect(tryParseInt64('-9223372036854775808')).toBe(-9223372036854775808n);
    for (const bad of ['', '-', '-0', '01', '+1', ' 1', '1 ', '9223372036854775808', '1.0', 'x']) {
      expect(tryParseInt64(bad), bad).toBeUndefined();
    }
  });
});

describe('tryParseDouble (strtod, whole string)', () => {
  it('accepts decimal, exponent, hex and inf; rejects nan, spaces and junk', () => {
    expect(tryParseDouble('1.5')).toBe(1.5);
    expect(tryParseDouble('-1e3')).toBe(-1000);
    expect(tryParseDouble('0x10')).toBe(16);
    expect(tryParseDouble('inf')).toBe(Number.POSITIVE_INFINITY);
    expect(tryParseDouble('-Infinity')).toBe(Number.NEGATIVE_INFINITY);
    for (const bad of ['', 'nan', ' 1', '1 ', 'abc', '1e400'])
      expect(tryParseDouble(bad), bad).toBeUndefined();
  });
});
