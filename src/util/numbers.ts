/**
 * Integer and float parsing and printing with Redis's exact rules: int64 with
 * `string2ll` strictness, doubles as `strtod` accepts them, and `%.17g` output.
 */
import { Err, ReplyError } from '../errors.js';
import type { Arg } from './bytes.js';

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/** An exact int64: a number when it is a safe integer, else a bigint. */
export type Int64 = number | bigint;

/**
 * Parses an int64 exactly as Redis's `string2ll`: optional '-', no '+', no
 * spaces, no leading zeros, at most 20 chars. Returns undefined when invalid.
 */
export function tryParseInt64(arg: Arg): Int64 | undefined {
  const s = typeof arg === 'string' ? arg : arg.toString('latin1');
  const len = s.length;
  if (len === 0 || len > 20) return undefined;
  if (len === 1) {
    const c = s.charCodeAt(0) - 48;
    return c >= 0 && c <= 9 ? c : undefined;
  }
  let i = 0;
  if (s.charCodeAt(0) === 45) i = 1;
  const first = s.charCodeAt(i);
  if (first < 49 || first > 57) return undefined; // no leading zero, no '-0', no '-'
  // Up to 15 digits the value is accumulated exactly as a double (no string-to-number parse).
  let n = first - 48;
  for (let j = i + 1; j < len; j++) {
    const c = s.charCodeAt(j) - 48;
    if (c < 0 || c > 9) return undefined;
    n = n * 10 + c;
  }
  if (len - i <= 15) return i === 0 ? n : -n;
  const b = BigInt(s);
  if (b > INT64_MAX || b < INT64_MIN) return undefined;
  return Number.isSafeInteger(Number(b)) && BigInt(Number(b)) === b ? Number(b) : b;
}

/** Parses an int64 or throws `ERR value is not an integer or out of range`. */
export function parseInt64(arg: Arg, message: string = Err.notInteger): Int64 {
  const v = tryParseInt64(arg);
  if (v === undefined) throw new ReplyError(message);
  return v;
}

/**
 * Parses an int64 that must also be a safe JS integer (counts, offsets, indexes);
 * values beyond ±2^53 are clamped, which changes no Redis-visible result for them.
 */
export function parseInteger(arg: Arg, message: string = Err.notInteger): number {
  const v = parseInt64(arg, message);
  return typeof v === 'number' ? v : v > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
}

/** Adds two int64s exactly; undefined on overflow. */
export function addInt64(a: Int64, b: Int64): Int64 | undefined {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
  }
  const r = BigInt(a) + BigInt(b);
  if (r > INT64_MAX || r < INT64_MIN) return undefined;
  return Number.isSafeInteger(Number(r)) ? Number(r) : r;
}

/** Prints an int64 as Redis does. */
export function int64ToString(v: Int64): string {
  return typeof v === 'number' ? String(v) : v.toString();
}

const FLOAT_RE =
  /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?|inf(?:inity)?|nan(?:\(\w*\))?)$/i;

/**
 * Parses a double as Redis's `getDoubleFromObject` (strtod, whole string, no
 * leading space, NaN rejected). Returns undefined when invalid.
 */
export function tryParseDouble(arg: Arg): number | undefined {
  const s = typeof arg === 'string' ? arg : arg.toString('latin1');
  if (s.length === 0 || !FLOAT_RE.test(s)) return undefined;
  let v: number;
  const body = s.replace(/^[+-]/, '');
  const neg = s.charCodeAt(0) === 45;
  if (/^inf/i.test(body)) v = Number.POSITIVE_INFINITY;
  else if (/^nan/i.test(body)) return undefined;
  else if (/^0x/i.test(body)) v = parseHexFloat(body.slice(2));
  else v = Number(body);
  if (neg) v = -v;
  if (Number.isNaN(v)) return undefined;
  // strtod reports ERANGE on overflow to ±HUGE_VAL (and on underflow to zero): Redis rejects both.
  if (!Number.isFinite(v) && !/^inf/i.test(body)) return undefined;
  if (v === 0 && /[1-9]/.test(body.replace(/[eEpP].*$/, ''))) return undefined;
  return v;
}

function parseHexFloat(s: string): number {
  const [mant, exp = '0'] = s.split(/[pP]/);
  const [int = '', frac = ''] = mant.split('.');
  let v = 0;
  for (const c of int) v = v * 16 + Number.parseInt(c, 16);
  let scale = 1 / 16;
  for (const c of frac) {
    v += Number.parseInt(c, 16) * scale;
    scale /= 16;
  }
  return v * 2 ** Number(exp);
}

/** Parses a double or throws `ERR value is not a valid float`. */
export function parseDouble(arg: Arg, message: string = Err.notFloat): number {
  const v = tryParseDouble(arg);
  if (v === undefined) throw new ReplyError(message);
  return v;
}

/** Prints a double as Redis 7.0's `%.17g` replies do (`inf`, `-inf`). */
export function formatDouble(d: number): string {
  if (d === Number.POSITIVE_INFINITY) return 'inf';
  if (d === Number.NEGATIVE_INFINITY) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  return formatG(d, 17);
}

/** C's `%.<precision>g` (precision 1..20), rounding ties to even as glibc does. */
export function formatG(d: number, precision: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  // Exactly representable whole numbers print as their integer digits either way.
  if (Number.isInteger(d) && Math.abs(d) <= 2 ** 53 && Math.abs(d) < 10 ** precision) return String(d);
  const neg = d < 0;
  let [digits, e] = significantDigits(Math.abs(d), precision);
  if (digits.length > precision) {
    // Rounding carried into a new digit (9.99… → 10.0…).
    digits = digits.slice(0, precision);
    e++;
  }
  const sign = neg ? '-' : '';
  if (e < -4 || e >= precision) {
    const frac = trimZeros(digits.slice(1));
    const abs = Math.abs(e);
    return `${sign}${digits[0]}${frac ? `.${frac}` : ''}e${e < 0 ? '-' : '+'}${abs < 10 ? `0${abs}` : abs}`;
  }
  if (e >= 0) {
    const frac = trimZeros(digits.slice(e + 1));
    return `${sign}${digits.slice(0, e + 1)}${frac ? `.${frac}` : ''}`;
  }
  return `${sign}0.${'0'.repeat(-e - 1)}${trimZeros(digits)}`;
}

function trimZeros(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 48) end--;
  return end === s.length ? s : s.slice(0, end);
}

/**
 * The first `n` significant decimal digits of a positive double, correctly rounded
 * half-to-even, and the decimal exponent of the first. JS's toExponential rounds
 * ties away from zero, so a possible tie (the next digit is 5) is settled exactly.
 */
function significantDigits(x: number, n: number): [string, number] {
  // Four more digits tell a possible tie ("5000") from a plain round-up or -down.
  const wider = x.toExponential(n + 3);
  const ePos = wider.indexOf('e');
  if (!wider.endsWith('5000', ePos)) {
    const s = x.toExponential(n - 1);
    const p = s.indexOf('e');
    return [p === 1 ? s[0] : s[0] + s.slice(2, p), Number(s.slice(p + 1))];
  }
  // Exact decimal expansion: x = mant * 2^exp2 = (mant * 5^-exp2) / 10^-exp2.
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let exp2 = biased - 1075;
  if (biased === 0) exp2 = -1074;
  else mant |= 1n << 52n;
  let all: string;
  let pointAt: number; // digits before the decimal point
  if (exp2 >= 0) {
    all = (mant << BigInt(exp2)).toString();
    pointAt = all.length;
  } else {
    all = (mant * 5n ** BigInt(-exp2)).toString();
    pointAt = all.length + exp2;
  }
  const lead = all.search(/[1-9]/);
  const sig = all.slice(lead);
  const e = pointAt - lead - 1;
  if (sig.length <= n) return [sig.padEnd(n, '0'), e];
  let head = BigInt(sig.slice(0, n));
  const rest = sig.slice(n);
  const half = rest[0] > '5' || (rest[0] === '5' && /[1-9]/.test(rest.slice(1)));
  const tie = rest[0] === '5' && !/[1-9]/.test(rest.slice(1));
  if (half || (tie && head % 2n === 1n)) head += 1n;
  return [head.toString(), e];
}
