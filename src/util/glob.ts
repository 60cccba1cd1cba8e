/**
 * Glob-style matching, a byte-exact port of Redis 7.0.15's `stringmatchlen`
 * (util.c): `*`, `?`, `[abc]`, `[^abc]`, `[a-z]` (reversed ranges swap), `\x`
 * escapes (also inside classes), and the nocase flag (ASCII only, as C's
 * `tolower` in the C locale).
 *
 * Quirks kept on purpose, because they are what Redis replies:
 * - the pattern is read as an sds string, so reading one byte past its end
 *   yields NUL (an unterminated `[abc` class, `[^` matching any byte, ...);
 * - bytes are C `char`s, signed: in ranges a byte >= 0x80 compares below 'a';
 * - inside a class, `\x` compares case-sensitively even with nocase;
 * - the empty subject matches only the empty pattern (`*` does not match ""):
 *   KEYS and SCAN special-case the exact pattern `*` before matching;
 * - recursion is cut at nesting depth 1000 (a deeper match fails), and the
 *   `skipLongerMatches` flag stops the exponential backtracking of patterns
 *   like `a*a*a*...b` once a star proved that no suffix matches the rest.
 *
 * Subjects are keys (JS strings, binary keys in their reserved form, see
 * util/bytes.ts) or values. ASCII strings are matched through `charCodeAt`
 * without allocating; other strings are encoded into a reused scratch buffer.
 */
import { type Arg, BINARY_KEY_PREFIX } from './bytes.js';

const STAR = 0x2a;
const QUESTION = 0x3f;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const BACKSLASH = 0x5c;
const CARET = 0x5e;
const DASH = 0x2d;
const MAX_NESTING = 1000;

/** A subject being matched: an ASCII-only string or bytes. */
type Subject = string | Uint8Array;

/** Shared across the recursion, as Redis passes `int *skipLongerMatches`. */
let skipLongerMatches = false;

function sAt(s: Subject, i: number): number {
  return typeof s === 'string' ? s.charCodeAt(i) : s[i];
}

/** C's `tolower` in the C locale: only A-Z change. */
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** A byte as a signed C `char`. */
function signed(c: number): number {
  return (c << 24) >> 24;
}

/**
 * The recursive matcher: `p[pi..]` against `s[si..send)`. The pattern always
 * ends at `p.length` (reads past it give 0, as the sds terminator does).
 */
function matchImpl(
  p: Uint8Array,
  pi: number,
  s: Subject,
  si: number,
  send: number,
  nocase: boolean,
  nesting: number,
): boolean {
  if (nesting > MAX_NESTING) return false;
  const pend = p.length;
  while (pi < pend && si < send) {
    switch (p[pi]) {
      case STAR:
        while (pi + 1 < pend && p[pi + 1] === STAR) pi++;
        if (pend - pi === 1) return true;
        while (si < send) {
          if (matchImpl(p, pi + 1, s, si, send, nocase, nesting + 1)) return true;
          if (skipLongerMatches) return false;
          si++;
        }
        // No match for the rest of the pattern from anywhere in the rest of the
        // subject: a longer match for an earlier star cannot help either.
        skipLongerMatches = true;
        return false;
      case QUESTION:
        si++;
        break;
      case LBRACKET: {
        pi++;
        const not = pi < pend && p[pi] === CARET;
        if (not) pi++;
        let match = false;
        const c = sAt(s, si);
        for (;;) {
          const left = pend - pi;
          const pc = left > 0 ? p[pi] : 0;
          if (pc === BACKSLASH && left >= 2) {
            pi++;
            if (p[pi] === c) match = true;
          } else if (pc === RBRACKET) {
            break;
          } else if (left === 0) {
            pi--;
            break;
          } else if (left >= 3 && p[pi + 1] === DASH) {
            let start = signed(pc);
            let end = signed(p[pi + 2]);
            let cc = signed(c);
            if (start > end) {
              const t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = lower(start);
              end = lower(end);
              cc = lower(cc);
            }
            pi += 2;
            if (cc >= start && cc <= end) match = true;
          } else if (nocase ? lower(pc) === lower(c) : pc === c) {
            match = true;
          }
          pi++;
        }
        if (not) match = !match;
        if (!match) return false;
        si++;
        break;
      }
      default: {
        // A backslash escapes the next byte (a trailing one matches itself).
        if (p[pi] === BACKSLASH && pend - pi >= 2) pi++;
        const pc = p[pi];
        const c = sAt(s, si);
        if (nocase ? lower(pc) !== lower(c) : pc !== c) return false;
        si++;
        break;
      }
    }
    pi++;
    if (si === send) {
      while (pi < pend && p[pi] === STAR) pi++;
      break;
    }
  }
  return pi === pend && si === send;
}

function run(p: Uint8Array, s: Subject, si: number, send: number, nocase: boolean): boolean {
  skipLongerMatches = false;
  return matchImpl(p, 0, s, si, send, nocase, 0);
}

let scratch = Buffer.allocUnsafe(1024);

function ensureScratch(bytes: number): Buffer {
  if (scratch.length < bytes) scratch = Buffer.allocUnsafe(Math.max(bytes, scratch.length * 2));
  return scratch;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** A pattern's bytes: UTF-8 for strings. */
function patternBytes(pattern: Arg | Uint8Array): Uint8Array {
  return typeof pattern === 'string' ? Buffer.from(pattern, 'utf8') : pattern;
}

/** Matches a text subject (no reserved-form interpretation) against pattern bytes. */
function matchText(p: Uint8Array, s: string, nocase: boolean): boolean {
  if (isAscii(s)) return run(p, s, 0, s.length, nocase);
  const buf = ensureScratch(s.length * 3);
  const n = buf.write(s, 0, 'utf8');
  return run(p, buf, 0, n, nocase);
}

/** Matches a keyspace key (binary keys in their reserved form are matched on their original bytes). */
function matchKeyBytes(p: Uint8Array, key: string, nocase: boolean): boolean {
  if (key.charCodeAt(0) === 0xd800 && key.startsWith(BINARY_KEY_PREFIX)) {
    const buf = ensureScratch(key.length);
    buf.write(key, 0, 'latin1'); // one byte per char; byte 0 is the prefix's low byte, skipped
    return run(p, buf, 1, key.length, nocase);
  }
  return matchText(p, key, nocase);
}

/**
 * A compiled glob pattern: the bytes once, then any number of subjects.
 * KEYS, SCAN MATCH, PSUBSCRIBE and the *SCAN commands share it.
 */
export class Glob {
  /** The pattern's bytes. */
  readonly bytes: Uint8Array;
  /** True for the exact pattern `*`, which callers treat as "everything" (the empty key included). */
  readonly matchesAll: boolean;

  constructor(
    pattern: Arg | Uint8Array,
    readonly nocase = false,
  ) {
    this.bytes = patternBytes(pattern);
    this.matchesAll = this.bytes.length === 1 && this.bytes[0] === STAR;
  }

  /** Matches a keyspace key (as {@link toKey} made it). Does not apply the `*` shortcut. */
  matchKey(key: string): boolean {
    return matchKeyBytes(this.bytes, key, this.nocase);
  }

  /** Matches a value: text (its UTF-8 bytes) or bytes. Does not apply the `*` shortcut. */
  matchValue(value: string | Uint8Array): boolean {
    if (typeof value === 'string') return matchText(this.bytes, value, this.nocase);
    return run(this.bytes, value, 0, value.length, this.nocase);
  }
}

/**
 * Redis's `stringmatchlen(pattern, string, nocase)`: one-off glob match of a
 * subject (text as its UTF-8 bytes, or bytes) against a pattern.
 */
export function stringMatch(
  pattern: Arg | Uint8Array,
  subject: string | Uint8Array,
  nocase = false,
): boolean {
  const p = patternBytes(pattern);
  if (typeof subject === 'string') return matchText(p, subject, nocase);
  return run(p, subject, 0, subject.length, nocase);
}
