/**
 * Cursors for the SCAN family over JS Maps and Sets.
 *
 * Redis's SCAN guarantees that an element present for the whole scan is
 * returned at least once, even while others are added and removed; Redis gets
 * there with reverse-binary bucket cursors. A JS Map gives the same guarantee
 * through its live iterators: an iterator survives insertions, deletions,
 * rehashing and `clear()`, and visits every entry that stays in the Map exactly
 * once (entries deleted and re-added move to the end). So a scan here is a live
 * iterator kept between calls in a bounded registry, and the cursor the client
 * sees is an integer encoding a registry token and the scan position:
 *
 *   cursor = position * 2^20 + token      (token in 1 .. 2^20-1)
 *
 * A cursor whose token is unknown (evicted from the registry, reused twice,
 * from another process) degrades to a fresh iterator that skips `position`
 * entries: still a complete scan when nothing was deleted meanwhile, and never
 * an error, as Redis never rejects a well-formed cursor. Cursor 0 starts a scan;
 * a finished scan returns 0.
 *
 * After taking `count` items the iterator is advanced once more, so that the
 * last page of a scan already returns cursor 0; that look-ahead item is kept
 * with the iterator and delivered first on the next step (if still present).
 */
import { Err, ReplyError } from '../errors.js';
import { type Arg, argText } from '../util/bytes.js';

/** What can be scanned: a Map (its keys) or a Set. */
export interface Scannable<K> {
  readonly size: number;
  keys(): Iterator<K>;
  has(key: K): boolean;
}

const TOKEN_BITS = 20;
const TOKENS = 2 ** TOKEN_BITS;
const TOKENS_BIG = BigInt(TOKENS);
/** Largest position kept exact in a safe-integer cursor. */
const MAX_POSITION = Math.floor(Number.MAX_SAFE_INTEGER / TOKENS);

interface LiveScan {
  source: Scannable<unknown>;
  iterator: Iterator<unknown>;
  /** Items taken from the scan before `pending`. */
  position: number;
  /** The look-ahead item, next to deliver. */
  pending: unknown;
}

/** A bounded registry of live scans, shared by every SCAN-like command. */
export class ScanCursors {
  private readonly live = new Map<number, LiveScan>();
  private nextToken = 1;

  /** @param capacity live scans kept; the least recently used beyond it are forgotten (their cursors degrade). */
  constructor(readonly capacity = 4096) {}

  /** Number of live scans held. */
  get size(): number {
    return this.live.size;
  }

  /**
   * One step of a scan of `source` from `cursor`: pushes up to `count` items
   * to `out` and returns the cursor to continue from, 0 when the scan is done.
   */
  step<K>(source: Scannable<K>, cursor: number | bigint, count: number, out: K[]): number {
    let iterator: Iterator<K>;
    let position = 0;
    let pending: { value: K } | undefined;
    if (cursor === 0 || cursor === 0n) {
      iterator = source.keys();
    } else {
      const token = Number(BigInt(cursor) % TOKENS_BIG);
      const pos = typeof cursor === 'number' ? Math.floor(cursor / TOKENS) : cursor / TOKENS_BIG;
      const scan = this.live.get(token);
      if (scan !== undefined && scan.source === source && scan.position === Number(pos)) {
        this.live.delete(token);
        iterator = scan.iterator as Iterator<K>;
        position = scan.position;
        pending = { value: scan.pending as K };
      } else {
        // Unknown cursor: resume by position over a fresh iterator.
        if (pos > source.size) return 0;
        position = Number(pos);
        iterator = source.keys();
        for (let i = 0; i < position; i++) if (iterator.next().done) return 0;
      }
    }
    let taken = 0;
    while (taken < count) {
      let value: K;
      if (pending !== undefined) {
        value = pending.value;
        pending = undefined;
        position++;
        if (!source.has(value)) continue;
      } else {
        const r = iterator.next();
        if (r.done) return 0;
        value = r.value;
        position++;
      }
      out.push(value);
      taken++;
    }
    const ahead = iterator.next();
    if (ahead.done || position > MAX_POSITION) return 0;
    const token = this.allocateToken();
    this.live.set(token, { source, iterator, position, pending: ahead.value });
    if (this.live.size > this.capacity) this.live.delete(this.live.keys().next().value!);
    return position * TOKENS + token;
  }

  /** Forgets every live scan (their cursors degrade to positions). */
  clear(): void {
    this.live.clear();
  }

  private allocateToken(): number {
    for (;;) {
      const t = this.nextToken;
      this.nextToken = t === TOKENS - 1 ? 1 : t + 1;
      if (!this.live.has(t)) return t;
    }
  }
}

/** The process-wide registry (cursors carry their source's identity, so engines never mix). */
export const scanCursors = new ScanCursors();

const MAX_U64 = 18446744073709551615n;

/**
 * Parses a SCAN cursor as Redis does (`strtoul`, base 10): optional sign, no
 * leading space, nothing after the digits, at most 2^64-1 ("-1" wraps, "" is 0).
 * Throws `ERR invalid cursor`.
 */
export function parseScanCursor(arg: Arg): number | bigint {
  const s = argText(arg);
  if (s.length === 0) return 0; // strtoul parses nothing and stops at the terminator
  if (!/^[+-]?\d+$/.test(s)) throw new ReplyError(Err.invalidCursor);
  const sign = s.charCodeAt(0);
  const neg = sign === 45;
  let v = BigInt(sign === 45 || sign === 43 ? s.slice(1) : s);
  if (v > MAX_U64) throw new ReplyError(Err.invalidCursor);
  if (neg && v !== 0n) v = MAX_U64 + 1n - v;
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
