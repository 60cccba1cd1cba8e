/**
 * Streaming RESP request parser: bytes in, argv out, no I/O.
 *
 * It follows Redis 7.0's processMultibulkBuffer / processInlineBuffer
 * (src/networking.c) step by step, quirks included, so a client sees the same
 * replies and the same protocol errors as from redis-server:
 * - A request starting with '*' is a multibulk of '$' bulks; anything else is an
 *   inline command split as sdssplitargs does.
 * - Length lines end at the first '\r' (Redis uses strchr, which also stops at a
 *   NUL byte: a NUL before the '\r' means "no line yet"); the byte after that '\r'
 *   is skipped unchecked, and so are the two bytes after a bulk payload.
 * - Inline lines end at '\n' (same NUL rule), an optional '\r' before it dropped.
 * - A line still unterminated with more than 64 KB buffered is an error.
 * - Multibulk counts <= 0 and empty inline lines are skipped.
 * - While unauthenticated: at most 10 arguments of at most 16384 bytes.
 *
 * The state of a multibulk in progress (remaining count, pending bulk length,
 * arguments read so far) is kept across push() calls, so a large command that
 * arrives in many chunks is parsed once, not re-parsed per chunk.
 *
 * Buffering: pending bytes are buf[pos, end). When nothing is pending, a pushed
 * chunk is parsed in place (no copy: the common case is one read holding whole
 * commands). Only a partial frame is copied, into a scratch buffer the parser
 * owns and reuses; arguments are always copied out (strings, or fresh Buffers),
 * so nothing handed out aliases memory that is later overwritten.
 */
import { constants, isUtf8 } from 'node:buffer';
import { Err, ReplyError } from '../errors.js';
import type { Arg } from '../util/bytes.js';

/** Size limits of requests, as redis-server's. */
export interface ParserLimits {
  /** proto-max-bulk-len: the largest bulk argument (default 512 MB). */
  maxBulkLen: number;
  /** PROTO_INLINE_MAX_SIZE: the longest inline request and '*'/'$' length line (64 KB). */
  maxInlineLen: number;
  /** The largest multibulk count; Redis 7.0 accepts up to INT_MAX. */
  maxMultibulkLen: number;
}

/** Redis 7.0's defaults. */
export const DEFAULT_LIMITS: ParserLimits = Object.freeze({
  maxBulkLen: 512 * 1024 * 1024,
  maxInlineLen: 64 * 1024,
  maxMultibulkLen: 2147483647,
});

/** Redis's limits for clients that have not authenticated yet (authRequired in networking.c). */
const UNAUTH_MAX_MULTIBULK = 10;
const UNAUTH_MAX_BULK = 16384;

/**
 * A protocol violation; `message` is the full error reply text, e.g.
 * 'ERR Protocol error: invalid multibulk length'. Redis replies with it and closes the connection.
 */
export class ProtocolError extends ReplyError {
  override name = 'ProtocolError';

  /**
   * The text exactly as redis-server sends it, byte for byte. It differs from the UTF-8 encoding of
   * `message` only for "expected '$', got '%c'" with a byte >= 0x80, which Redis sends raw
   * (the message holds that byte as the char U+0080..U+00FF).
   */
  get bytes(): Buffer {
    return Buffer.from(this.message, 'latin1');
  }
}

const CR = 13;
const LF = 10;
const NUL = 0;
const STAR = 42;
const DOLLAR = 36;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;
const SPACE = 32;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;

const EMPTY = Buffer.alloc(0);
/** Smallest scratch buffer, and the largest one kept across an idle period. */
const MIN_SCRATCH = 16 * 1024;
const MAX_IDLE_SCRATCH = 256 * 1024;
/** ASCII arguments up to this many bytes are decoded without a native call (see decodeArg). */
const SHORT_ARG = 16;

/** Streaming parser of client requests for one connection. */
export class RequestParser {
  /**
   * While false, Redis's unauthenticated limits apply (more than 10 arguments or a bulk over
   * 16384 bytes is a protocol error). The server flips it between next() calls.
   */
  authenticated = true;

  private readonly maxBulkLen: number;
  private readonly maxInlineLen: number;
  private readonly maxMultibulkLen: number;

  /** Pending bytes are buf[pos, end). */
  private buf: Buffer = EMPTY;
  private pos = 0;
  private end = 0;
  /** The parser's own buffer for partial frames (buf === scratch when in use). */
  private scratch: Buffer = EMPTY;
  /**
   * How many bytes from pos are known to hold no line terminator. A line that arrives a byte at a
   * time is scanned once overall, not once per push (an unterminated 64 KB line would otherwise
   * cost quadratic time).
   */
  private scanned = 0;

  /** Arguments still to read of the multibulk in progress; 0 between commands. */
  private multibulkLen = 0;
  /** Length of the bulk whose '$' line was read, or -1. */
  private bulkLen = -1;
  private argv: Arg[] = [];

  constructor(limits?: Partial<ParserLimits>) {
    this.maxBulkLen = limits?.maxBulkLen ?? DEFAULT_LIMITS.maxBulkLen;
    this.maxInlineLen = limits?.maxInlineLen ?? DEFAULT_LIMITS.maxInlineLen;
    this.maxMultibulkLen = limits?.maxMultibulkLen ?? DEFAULT_LIMITS.maxMultibulkLen;
  }

  /** Bytes received but not yet consumed (for client-query-buffer-limit). */
  get buffered(): number {
    return this.end - this.pos;
  }

  /**
   * Appends received bytes. The chunk is read, never written, and no longer referenced once next()
   * has returned undefined, so a caller may then reuse it for the next read (net's `onread`).
   */
  push(chunk: Buffer): void {
    const n = chunk.length;
    if (n === 0) return;
    if (this.end === this.pos) {
      // Nothing pending: parse straight out of the caller's chunk (the common case: a read
      // holding whole commands costs no copy). Arguments are copied out of it.
      this.buf = chunk;
      this.pos = 0;
      this.end = n;
      return;
    }
    if (this.buf !== this.scratch || this.end + n > this.scratch.length) this.compact(n);
    chunk.copy(this.scratch, this.end);
    this.end += n;
  }

  /** Moves the pending bytes to the front of the scratch buffer, with room for `extra` more. */
  private compact(extra: number): void {
    const pending = this.end - this.pos;
    const need = pending + extra;
    if (need > this.scratch.length) {
      let cap = Math.max(need * 2, MIN_SCRATCH);
      // A large bulk in progress: do not grow past the bytes it needs (a 512 MB value would
      // otherwise briefly cost 1 GB), but never allocate ahead of received data either, as a
      // client may claim a huge length and send nothing.
      if (this.bulkLen >= 0 && this.bulkLen + 2 >= need) cap = Math.min(cap, this.bulkLen + 2);
      const next = Buffer.allocUnsafeSlow(cap);
      this.buf.copy(next, 0, this.pos, this.end);
      this.scratch = next;
    } else if (this.buf === this.scratch) {
      this.scratch.copyWithin(0, this.pos, this.end);
    } else {
      this.buf.copy(this.scratch, 0, this.pos, this.end);
    }
    this.buf = this.scratch;
    this.pos = 0;
    this.end = pending;
  }

  /**
   * The next complete command as argv (a string per argument when its bytes are valid UTF-8,
   * else a Buffer), or undefined when more bytes are needed. Throws ProtocolError on malformed
   * input; the parser must not be used after that. Empty inline lines and multibulk counts <= 0
   * are skipped, as Redis does.
   */
  next(): Arg[] | undefined {
    const argv = this.parse();
    if (this.pos >= this.end) this.drained();
    else if (argv === undefined && this.buf !== this.scratch) this.compact(0); // keep no reference to the chunk
    return argv;
  }

  private parse(): Arg[] | undefined {
    for (;;) {
      if (this.multibulkLen === 0) {
        if (this.pos >= this.end) return undefined;
        if (this.buf[this.pos] !== STAR) {
          const argv = this.inline();
          if (argv === undefined || argv.length !== 0) return argv;
          continue;
        }
        const count = this.multibulkHeader();
        if (count === undefined) return undefined;
        if (count <= 0) continue;
        this.multibulkLen = count;
      }
      return this.bulks();
    }
  }

  /** Nothing pending: let go of the caller's chunk, and of a scratch buffer a huge frame grew. */
  private drained(): void {
    if (this.buf === EMPTY) return;
    this.buf = EMPTY;
    this.pos = 0;
    this.end = 0;
    this.scanned = 0;
    if (this.scratch.length > MAX_IDLE_SCRATCH) this.scratch = EMPTY;
  }

  /**
   * Index of the '\r' ending the line at pos, or -1 when there is none yet. Like strchr on
   * Redis's NUL-terminated query buffer, a NUL byte ends the search unsuccessfully.
   */
  private findCR(): number {
    const buf = this.buf;
    const end = this.end;
    let i = this.pos + this.scanned;
    while (i < end) {
      const c = buf[i];
      if (c === CR) return i;
      if (c === NUL) break;
      i++;
    }
    this.scanned = i - this.pos;
    return -1;
  }

  /** The '*' line: the count (<= 0 means skip), or undefined when the line is incomplete. */
  private multibulkHeader(): number | undefined {
    const cr = this.findCR();
    if (cr < 0) {
      if (this.end - this.pos > this.maxInlineLen) throw new ProtocolError(Err.protoTooBigMbulkCount);
      return undefined;
    }
    // Redis waits for one more byte after the '\r' but never checks that it is '\n'.
    if (cr + 1 >= this.end) {
      this.scanned = cr - this.pos;
      return undefined;
    }
    const ll = parseLongLong(this.buf, this.pos + 1, cr);
    if (Number.isNaN(ll) || ll > this.maxMultibulkLen) throw new ProtocolError(Err.protoInvalidMultibulkLen);
    if (ll > UNAUTH_MAX_MULTIBULK && !this.authenticated) {
      throw new ProtocolError(Err.protoUnauthMultibulkLen);
    }
    this.pos = cr + 2;
    this.scanned = 0;
    return ll;
  }

  /** Reads bulks until the multibulk is complete (returns its argv) or bytes run out (undefined). */
  private bulks(): Arg[] | undefined {
    while (this.multibulkLen > 0) {
      if (this.bulkLen < 0) {
        const cr = this.findCR();
        if (cr < 0) {
          if (this.end - this.pos > this.maxInlineLen) throw new ProtocolError(Err.protoTooBigBulkCount);
          return undefined;
        }
        if (cr + 1 >= this.end) {
          this.scanned = cr - this.pos;
          return undefined;
        }
        const first = this.buf[this.pos];
        if (first !== DOLLAR) {
          // addReplyErrorFormat turns CR and LF into spaces; a NUL cannot be here (findCR stops at it).
          throw new ProtocolError(
            Err.protoExpectedDollar(first === CR || first === LF ? ' ' : String.fromCharCode(first)),
          );
        }
        const ll = parseLongLong(this.buf, this.pos + 1, cr);
        if (Number.isNaN(ll) || ll < 0 || ll > this.maxBulkLen)
          throw new ProtocolError(Err.protoInvalidBulkLen);
        if (ll > UNAUTH_MAX_BULK && !this.authenticated) throw new ProtocolError(Err.protoUnauthBulkLen);
        this.pos = cr + 2;
        this.scanned = 0;
        this.bulkLen = ll;
      }
      const len = this.bulkLen;
      // The payload and two more bytes, taken as its CRLF without looking at them (as Redis does).
      if (this.end - this.pos < len + 2) return undefined;
      this.argv.push(decodeArg(this.buf, this.pos, this.pos + len));
      this.pos += len + 2;
      this.bulkLen = -1;
      this.multibulkLen--;
    }
    const argv = this.argv;
    this.argv = [];
    return argv;
  }

  /** One inline line: its arguments (empty for a blank line), or undefined when the line is incomplete. */
  private inline(): Arg[] | undefined {
    const buf = this.buf;
    const end = this.end;
    let nl = this.pos + this.scanned;
    while (nl < end) {
      const c = buf[nl];
      if (c === LF || c === NUL) break;
      nl++;
    }
    // strchr stops at a NUL: then there is no line, now or ever (until the size limit trips).
    if (nl >= end || buf[nl] === NUL) {
      this.scanned = nl - this.pos;
      if (end - this.pos > this.maxInlineLen) throw new ProtocolError(Err.protoTooBigInline);
      return undefined;
    }
    const start = this.pos;
    const lineEnd = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
    const argv = splitArgs(buf, start, lineEnd);
    this.pos = nl + 1;
    this.scanned = 0;
    return argv;
  }
}

/**
 * string2ll (src/util.c) over bytes, without making a string: NaN when Redis would reject the
 * text (empty, 21+ chars, '+', leading zeros, "-0", junk, int64 overflow). Magnitudes beyond 2^53
 * come back rounded, which is fine: every caller compares them with limits far below that, or
 * only looks at their sign; the int64 boundary itself is checked exactly.
 */
export function parseLongLong(buf: Buffer, start: number, end: number): number {
  const len = end - start;
  if (len === 0 || len >= 21) return Number.NaN;
  let p = start;
  if (len === 1 && buf[p] === ZERO) return 0;
  const negative = buf[p] === MINUS;
  if (negative && ++p === end) return Number.NaN;
  let c = buf[p];
  if (c <= ZERO || c > NINE) return Number.NaN;
  const digits = end - p;
  if (digits > 19) return Number.NaN;
  let v = 0;
  for (; p < end; p++) {
    c = buf[p];
    if (c < ZERO || c > NINE) return Number.NaN;
    v = v * 10 + (c - ZERO);
  }
  // 19 digits may exceed int64: compare with LLONG_MAX / -LLONG_MIN digit by digit.
  if (digits === 19 && compareDigits(buf, end - 19, negative ? INT64_MIN_DIGITS : INT64_MAX_DIGITS) > 0) {
    return Number.NaN;
  }
  return negative ? -v : v;
}

const INT64_MAX_DIGITS = '9223372036854775807';
const INT64_MIN_DIGITS = '9223372036854775808';

function compareDigits(buf: Buffer, start: number, digits: string): number {
  for (let i = 0; i < digits.length; i++) {
    const d = buf[start + i] - digits.charCodeAt(i);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * One argument out of buf[start, end): a string when the bytes are valid UTF-8, else a copy.
 * Measured on Node 20, a native call (toString, isUtf8) costs ~80 ns whatever the length, and
 * subarray() as much again, so:
 * - short ASCII arguments (command names, most keys, numbers, small values) are built by one
 *   String.fromCharCode call with the bytes as arguments, 2-4x cheaper (see asciiString);
 * - otherwise the bytes are decoded first, and validated without a second native call when the
 *   result has one char per byte and no U+FFFD: a valid multi-byte sequence always yields fewer
 *   chars than bytes, and an invalid byte decodes to U+FFFD, so such bytes are pure ASCII.
 *   Only text that is not ASCII pays for isUtf8 on a view.
 * Bytes longer than V8's longest string stay a Buffer.
 */
export function decodeArg(buf: Buffer, start: number, end: number): Arg {
  const len = end - start;
  if (len <= SHORT_ARG) {
    let i = start;
    while (i < end && buf[i] < 0x80) i++;
    if (i === end) return asciiString(buf, start, len);
  }
  return decodeGeneral(buf, start, end);
}

/**
 * n (<= SHORT_ARG) ASCII bytes from b[s] as a string. One fromCharCode call with n arguments makes
 * one flat one-byte string; a loop of `+=` would allocate n strings (and a rope past 12 chars), and
 * apply() would need an array or a view.
 */
// biome-ignore format: one line per length
function asciiString(b: Buffer, s: number, n: number): string {
  switch (n) {
    case 0: return '';
    case 1: return String.fromCharCode(b[s]);
    case 2: return String.fromCharCode(b[s], b[s + 1]);
    case 3: return String.fromCharCode(b[s], b[s + 1], b[s + 2]);
    case 4: return String.fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3]);
    case 5: return String.fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4]);
    case 6: return String.fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5]);
    case 7: return String.fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6]);
    case 8: return String.fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7]);
    case 9: return String.fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8]);
    case 10: return String.fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9]);
    case 11: return String.fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10]);
    case 12: return String.fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11]);
    case 13: return String.fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12]);
    case 14: return String.fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13]);
    case 15: return String.fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14]);
    case 16: return String.fromCharCode(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14], b[s + 15]);
    default: return b.toString('latin1', s, s + n);
  }
}

function decodeGeneral(buf: Buffer, start: number, end: number): Arg {
  const len = end - start;
  if (len > constants.MAX_STRING_LENGTH) return Buffer.from(buf.subarray(start, end));
  const s = buf.toString('utf8', start, end);
  if (s.length === len && s.indexOf('\uFFFD') < 0) return s;
  const view = buf.subarray(start, end);
  return isUtf8(view) ? s : Buffer.from(view);
}

/** C isspace() in the C locale. */
function isSpace(c: number): boolean {
  return c === SPACE || (c >= 9 && c <= 13);
}

function isHexDigit(c: number): boolean {
  return (c >= ZERO && c <= NINE) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function hexValue(c: number): number {
  return c <= NINE ? c - ZERO : (c | 0x20) - 87;
}

/** The byte that a backslash before c stands for inside double quotes. */
function escapedByte(c: number): number {
  switch (c) {
    case 110 /* n */:
      return LF;
    case 114 /* r */:
      return CR;
    case 116 /* t */:
      return 9;
    case 98 /* b */:
      return 8;
    case 97 /* a */:
      return 7;
    default:
      return c;
  }
}

/** Unescaped bytes of the token being read by splitArgs (reused; arguments are copied out of it). */
let tokenBuf = Buffer.allocUnsafeSlow(256);

/**
 * sdssplitargs (src/sds.c) over line bytes buf[start, end), which hold no NUL and no LF. Tokens are
 * separated by blanks; "double quotes" take \n \r \t \b \a \xHH and \<any> escapes, 'single quotes'
 * only \'; a closing quote followed by anything but a blank (or the end) is an unbalanced quote.
 * Note the C quirk kept here: an unquoted token ends only at space, \t, \r (or \n), while blanks
 * between tokens are anything isspace() accepts (so \v and \f separate tokens only when leading).
 */
function splitArgs(buf: Buffer, start: number, end: number): Arg[] {
  const argv: Arg[] = [];
  // Unescaping only shrinks a token, so the line's length bounds it. Lines over 64 KB (possible when
  // one read holds the whole line) get a one-off buffer rather than growing the shared one for good.
  const lineLen = end - start;
  if (lineLen > tokenBuf.length && lineLen <= 64 * 1024) tokenBuf = Buffer.allocUnsafeSlow(64 * 1024);
  const tok = lineLen <= tokenBuf.length ? tokenBuf : Buffer.allocUnsafe(lineLen);
  let p = start;
  for (;;) {
    while (p < end && isSpace(buf[p])) p++;
    if (p >= end) return argv;
    // A token that is a plain run of bytes (no quotes) is decoded straight from the line.
    const tokStart = p;
    let c = buf[p];
    while (c !== SPACE && c !== CR && c !== 9 && c !== DQUOTE && c !== SQUOTE && ++p < end) c = buf[p];
    if (p >= end || (c !== DQUOTE && c !== SQUOTE)) {
      argv.push(decodeArg(buf, tokStart, p));
      continue;
    }
    // Quotes ahead: copy the token's bytes, unescaped, into tok.
    let n = buf.copy(tok, 0, tokStart, p);
    let inq = false;
    let insq = false;
    for (;;) {
      // Past the end reads as NUL, as in C.
      c = p < end ? buf[p] : NUL;
      const next = p + 1 < end ? buf[p + 1] : NUL;
      if (inq) {
        if (
          c === BACKSLASH &&
          next === 120 /* x */ &&
          p + 3 < end &&
          isHexDigit(buf[p + 2]) &&
          isHexDigit(buf[p + 3])
        ) {
          tok[n++] = hexValue(buf[p + 2]) * 16 + hexValue(buf[p + 3]);
          p += 3;
        } else if (c === BACKSLASH && next !== NUL) {
          p++;
          tok[n++] = escapedByte(next);
        } else if (c === DQUOTE) {
          if (next !== NUL && !isSpace(next)) throw new ProtocolError(Err.protoUnbalancedQuotes);
          p++;
          break;
        } else if (c === NUL) {
          throw new ProtocolError(Err.protoUnbalancedQuotes);
        } else {
          tok[n++] = c;
        }
      } else if (insq) {
        if (c === BACKSLASH && next === SQUOTE) {
          p++;
          tok[n++] = SQUOTE;
        } else if (c === SQUOTE) {
          if (next !== NUL && !isSpace(next)) throw new ProtocolError(Err.protoUnbalancedQuotes);
          p++;
          break;
        } else if (c === NUL) {
          throw new ProtocolError(Err.protoUnbalancedQuotes);
        } else {
          tok[n++] = c;
        }
      } else if (c === SPACE || c === LF || c === CR || c === 9 || c === NUL) {
        break;
      } else if (c === DQUOTE) {
        inq = true;
      } else if (c === SQUOTE) {
        insq = true;
      } else {
        tok[n++] = c;
      }
      if (p < end) p++;
    }
    argv.push(decodeArg(tok, 0, n));
  }
}
