/**
 * The x87 80-bit `long double` that Redis's INCRBYFLOAT and HINCRBYFLOAT compute
 * in, emulated exactly with BigInt: a 64-bit significand (explicit integer bit),
 * exponents down to the denormal 2^-16445 and up to just under 2^16384.
 *
 * Every operation is exact, then rounded once to nearest-even, as the hardware
 * and glibc do: parsing (`strtold`, correctly rounded, decimal and hex),
 * addition (`fadd`), and printing with `%.17Lf` (the exact decimal expansion
 * rounded half-even) followed by Redis's trailing-zero stripping
 * (`ld2string(..., LD_STR_HUMAN)`). So `INCRBYFLOAT k 0.2` on `0.1` gives `0.3`,
 * as Redis does, where doubles would give 0.30000000000000004.
 */
import { Err, ReplyError } from '../errors.js';
import type { Arg } from './bytes.js';

/** Lowest exponent: denormals are m × 2^-16445 with m < 2^63. */
const E_MIN = -16445;
/** Highest exponent of a finite value with a 64-bit significand (largest is (2^64-1) × 2^16320). */
const E_MAX = 16320;
const TWO63 = 1n << 63n;
const TWO64 = 1n << 64n;
/** Redis's `MAX_LONG_DOUBLE_CHARS`: longer inputs are rejected before parsing. */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

/**
 * A long double: (-1)^neg × m × 2^e with 0 ≤ m < 2^64. Zero has m = 0 (and keeps
 * its sign); infinities have e = Infinity, NaN has e = NaN.
 */
export class LongDouble {
  constructor(
    readonly neg: boolean,
    readonly m: bigint,
    readonly e: number,
  ) {}
}

const POS_ZERO = new LongDouble(false, 0n, 0);
const NEG_ZERO = new LongDouble(true, 0n, 0);
const POS_INF = new LongDouble(false, 0n, Number.POSITIVE_INFINITY);
const NEG_INF = new LongDouble(true, 0n, Number.POSITIVE_INFINITY);
const NAN = new LongDouble(false, 0n, Number.NaN);

/** True when the value is neither infinite nor NaN. */
export function isFiniteLongDouble(x: LongDouble): boolean {
  return Number.isFinite(x.e);
}

const TWO32 = 0x100000000n;
const TWO128 = 1n << 128n;

function bitLength(n: bigint): number {
  // n > 0. Significands (≤ 2^65) take the Number paths; toString(16) is fast
  // enough for the rest (≤ ~17k bits).
  if (n < TWO32) return 32 - Math.clz32(Number(n));
  if (n < TWO64) return 64 - Math.clz32(Number(n >> 32n));
  if (n < TWO128) return 64 + bitLength(n >> 64n);
  const h = n.toString(16);
  return (h.length - 1) * 4 + (32 - Math.clz32(Number.parseInt(h[0], 16)));
}

/** Rounds the quotient q with remainder r of a division by d (half-even). */
function roundQuotient(q: bigint, r: bigint, d: bigint): bigint {
  if (r === 0n) return q;
  const twice = r << 1n;
  if (twice > d || (twice === d && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** Builds the long double nearest to (-1)^neg × q × 2^e once q already fits 64 bits (carry handled). */
function finish(neg: boolean, q: bigint, e: number): LongDouble {
  if (q === TWO64) {
    q = TWO63;
    e++;
  }
  if (q === 0n) return neg ? NEG_ZERO : POS_ZERO;
  if (e > E_MAX) return neg ? NEG_INF : POS_INF;
  return new LongDouble(neg, q, e);
}

/** The long double nearest to (-1)^neg × n × 2^e (n ≥ 0), rounding half-even. */
function roundBinary(neg: boolean, n: bigint, e: number): LongDouble {
  if (n === 0n) return neg ? NEG_ZERO : POS_ZERO;
  let shift = bitLength(n) - 64;
  if (e + shift < E_MIN) shift = E_MIN - e;
  if (shift <= 0) return finish(neg, n << BigInt(-shift), e + shift);
  const s = BigInt(shift);
  const q = n >> s;
  const r = n - (q << s);
  return finish(neg, roundQuotient(q, r, 1n << s), e + shift);
}

/** The long double nearest to (-1)^neg × num / den (num ≥ 0, den > 0), rounding half-even. */
function roundRational(neg: boolean, num: bigint, den: bigint): LongDouble {
  if (num === 0n) return neg ? NEG_ZERO : POS_ZERO;
  let e = Math.max(E_MIN, bitLength(num) - bitLength(den) - 64);
  for (;;) {
    let n = num;
    let d = den;
    if (e >= 0) d <<= BigInt(e);
    else n <<= BigInt(-e);
    const q = n / d;
    if (q >= TWO64) {
      e++;
      continue;
    }
    if (q < TWO63 && e > E_MIN) {
      e--;
      continue;
    }
    return finish(neg, roundQuotient(q, n - q * d, d), e);
  }
}

const POW10: bigint[] = [1n];
function pow10(k: number): bigint {
  if (k < 64) {
    while (POW10.length <= k) POW10.push(POW10[POW10.length - 1] * 10n);
    return POW10[k];
  }
  return 10n ** BigInt(k);
}

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^([+-]?)inf(?:inity)?$/i;

/**
 * Parses a string as Redis's `string2ld` does: the whole input must be what
 * glibc's `strtold` reads (decimal, hex float, `inf`/`infinity`), no leading
 * space, no NaN, and neither overflow to ±inf nor underflow to zero from a
 * nonzero input (ERANGE). Returns undefined when Redis would reject it.
 */
export function parseLongDouble(arg: Arg): LongDouble | undefined {
  if (typeof arg !== 'string') return parseText(arg.toString('latin1'));
  if (arg.length > 40) return parseText(arg);
  // Increments repeat (INCRBYFLOAT k 0.1, HINCRBYFLOAT h f 1.5): a small memo
  // of short texts saves their BigInt work (values are immutable).
  let v = memo.get(arg);
  if (v === undefined && !memo.has(arg)) {
    v = parseText(arg);
    if (memo.size >= MEMO_SIZE) memo.clear();
    memo.set(arg, v);
  }
  return v;
}

const MEMO_SIZE = 1024;
const memo = new Map<string, LongDouble | undefined>();

function parseText(s: string): LongDouble | undefined {
  const len = s.length;
  if (len === 0 || len >= MAX_LONG_DOUBLE_CHARS) return undefined;
  // The patterns admit no whitespace, so strtold's skipping of leading space
  // (which Redis rejects) and trailing garbage (eptr not at the end) both fail here.
  let m = DECIMAL_RE.exec(s);
  if (m !== null) {
    const intDigits = m[2];
    const fracDigits = m[3] ?? '';
    if (intDigits.length + fracDigits.length === 0) return undefined;
    const neg = m[1] === '-';
    const expText = m[4];
    let digits = intDigits + fracDigits;
    let i = 0;
    while (i < digits.length && digits.charCodeAt(i) === 48) i++;
    if (i === digits.length) return neg ? NEG_ZERO : POS_ZERO;
    digits = digits.slice(i);
    // Trailing zeros only scale the exponent.
    let j = digits.length;
    while (digits.charCodeAt(j - 1) === 48) j--;
    const exp10 = (expText === undefined ? 0 : Number(expText)) - fracDigits.length + (digits.length - j);
    digits = digits.slice(0, j);
    const nd = digits.length;
    if (nd - 1 + exp10 > 4933) return undefined; // ≥ 10^4934: overflow
    if (nd + exp10 < -4952) return undefined; // < 10^-4952: underflows to zero
    const d = BigInt(digits);
    const r = exp10 >= 0 ? roundRational(neg, d * pow10(exp10), 1n) : roundRational(neg, d, pow10(-exp10));
    return r.m === 0n || !Number.isFinite(r.e) ? undefined : r;
  }
  m = HEX_RE.exec(s);
  if (m !== null) {
    const intDigits = m[2];
    const fracDigits = m[3] ?? '';
    if (intDigits.length + fracDigits.length === 0) return undefined;
    const neg = m[1] === '-';
    const h = BigInt(`0x${intDigits}${fracDigits}`);
    if (h === 0n) return neg ? NEG_ZERO : POS_ZERO;
    const e2 = (m[4] === undefined ? 0 : Number(m[4])) - 4 * fracDigits.length;
    const top = bitLength(h) + e2;
    if (top > 16385) return undefined;
    if (top < E_MIN - 2) return undefined;
    const r = roundBinary(neg, h, e2);
    return r.m === 0n || !Number.isFinite(r.e) ? undefined : r;
  }
  m = INF_RE.exec(s);
  if (m !== null) return m[1] === '-' ? NEG_INF : POS_INF;
  return undefined;
}

const F64 = new DataView(new ArrayBuffer(8));

/** The exact long double of a JS number (every double is one). */
export function longDoubleFromNumber(x: number): LongDouble {
  if (Number.isNaN(x)) return NAN;
  if (x === Number.POSITIVE_INFINITY) return POS_INF;
  if (x === Number.NEGATIVE_INFINITY) return NEG_INF;
  if (x === 0) return Object.is(x, -0) ? NEG_ZERO : POS_ZERO;
  if (Number.isSafeInteger(x)) return roundBinary(x < 0, BigInt(Math.abs(x)), 0);
  F64.setFloat64(0, x);
  const hi = F64.getUint32(0);
  const lo = F64.getUint32(4);
  const neg = hi >>> 31 === 1;
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (bexp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = bexp - 1075;
  }
  return roundBinary(neg, mant, e);
}

/** a + b, rounded to nearest-even as the x87 `fadd` does; inf - inf is NaN. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (!Number.isFinite(a.e) || !Number.isFinite(b.e)) {
    if (Number.isNaN(a.e) || Number.isNaN(b.e)) return NAN;
    if (!Number.isFinite(a.e) && !Number.isFinite(b.e)) return a.neg === b.neg ? a : NAN;
    return Number.isFinite(a.e) ? b : a;
  }
  if (a.m === 0n) return b.m === 0n ? (a.neg && b.neg ? NEG_ZERO : POS_ZERO) : b;
  if (b.m === 0n) return a;
  let am = a.m;
  let ae = a.e;
  let bm = b.m;
  let be = b.e;
  // When one operand is far below the other's rounding position, only its sign
  // and non-zeroness matter: replace it with a tiny sticky value to keep shifts short.
  const topA = ae + bitLength(am);
  const topB = be + bitLength(bm);
  if (topA - topB > 140) {
    bm = 1n;
    be = topA - 140;
  } else if (topB - topA > 140) {
    am = 1n;
    ae = topB - 140;
  }
  const e = Math.min(ae, be);
  const x = am << BigInt(ae - e);
  const y = bm << BigInt(be - e);
  const sum = (a.neg ? -x : x) + (b.neg ? -y : y);
  if (sum === 0n) return POS_ZERO;
  return sum < 0n ? roundBinary(true, -sum, e) : roundBinary(false, sum, e);
}

const P17 = 10n ** 17n;

/**
 * Prints as Redis's `ld2string(LD_STR_HUMAN)`: glibc's `%.17Lf` (exact decimal
 * expansion rounded half-even to 17 decimals), trailing zeros and a trailing
 * '.' removed, and "-0" printed as "0". Infinities print as `inf`/`-inf`.
 */
export function formatLongDoubleHuman(x: LongDouble): string {
  if (Number.isNaN(x.e)) return 'nan';
  if (!Number.isFinite(x.e)) return x.neg ? '-inf' : 'inf';
  let q: bigint;
  if (x.e >= 0) q = (x.m << BigInt(x.e)) * P17;
  else {
    const n = x.m * P17;
    const s = BigInt(-x.e);
    const t = n >> s;
    q = roundQuotient(t, n - (t << s), 1n << s);
  }
  if (q === 0n) return '0';
  let digits = q.toString();
  if (digits.length <= 17) digits = digits.padStart(18, '0');
  const cut = digits.length - 17;
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48) end--;
  const text = end <= cut ? digits.slice(0, cut) : `${digits.slice(0, cut)}.${digits.slice(cut, end)}`;
  return x.neg ? `-${text}` : text;
}

/**
 * INCRBYFLOAT's arithmetic: parses the current value (absent counts as 0) and
 * the increment, adds in long double and returns the new value's text. Throws
 * `ERR value is not a valid float` or `ERR increment would produce NaN or Infinity`.
 */
export function incrByFloatText(current: Arg | undefined, incr: Arg | number | LongDouble): string {
  // The current value is usually text printed by the previous call, new each
  // time: parsed without the memo, which serves repeated increments.
  const value =
    current === undefined
      ? POS_ZERO
      : parseText(typeof current === 'string' ? current : current.toString('latin1'));
  if (value === undefined) throw new ReplyError(Err.notFloat);
  const by =
    typeof incr === 'number'
      ? longDoubleFromNumber(incr)
      : incr instanceof LongDouble
        ? incr
        : parseLongDouble(incr);
  if (by === undefined || Number.isNaN(by.e)) throw new ReplyError(Err.notFloat);
  const sum = addLongDouble(value, by);
  if (!Number.isFinite(sum.e)) throw new ReplyError(Err.incrFloatNaN);
  return formatLongDoubleHuman(sum);
}
