/**
 * The reply encoder: the only code that knows how a reply by meaning looks in
 * RESP2 and in RESP3. Replies are appended to a {@link ReplyBuffer} so that a
 * batch of pipelined replies goes out in one socket write.
 */
import { ReplyError } from '../errors.js';
import { formatDouble } from '../util/numbers.js';
import {
  BigNumberReply,
  DoubleReply,
  MapReply,
  NilArrayReply,
  NoReply,
  PairsReply,
  PushReply,
  type Reply,
  SetReply,
  StatusReply,
  VerbatimReply,
} from './reply.js';

/** Size of the shared slabs replies are encoded into; a batch that needs more gets a slab of its own size. */
const SLAB_BYTES = 64 * 1024;
/** Text this long (in UTF-16 units) or shorter is written by a JS loop when it is ASCII. */
const SHORT_TEXT = 64;
/** Buffers this large are kept as they are, not copied into a slab. */
const LARGE_BUFFER = 64 * 1024;

const EMPTY = Buffer.alloc(0);
/**
 * The slab every ReplyBuffer encodes into, and where its free space starts. Like Node's
 * Buffer pool: bytes before `slabPos` belong to someone, bytes after it are free, and a
 * full slab is simply replaced (the old one lives as long as views of it do).
 */
let slab: Buffer = EMPTY;
let slabPos = 0;

/**
 * Accumulates encoded replies as bytes, the way Redis fills a client's reply
 * buffer. Bytes go into the shared slab; {@link ReplyBuffer.take} hands out the
 * pending batch as a view of it (no copy) and nothing writes those bytes again.
 * A buffer appends where the slab's free space starts; when another buffer wrote
 * there meanwhile (a Pub/Sub push to another client), or the slab is full, the
 * pending bytes so far become a part and a new segment starts. An idle client
 * holds no memory.
 *
 * Short ASCII text (headers, integers, small values: nearly every reply) is
 * written by a JS loop, several times cheaper than a native call; longer text
 * is UTF-8 encoded in place. Large Buffers are kept as parts, not copied.
 */
export class ReplyBuffer {
  /** The pending batch is `parts`, then segment[start, pos). */
  private segment: Buffer = EMPTY;
  private start = 0;
  private pos = 0;
  private parts: Buffer[] = [];
  private partsBytes = 0;

  /** Bytes buffered so far, in O(1) (flush thresholds, output-buffer limits). */
  get length(): number {
    return this.partsBytes + this.pos - this.start;
  }

  /** True when nothing is buffered. */
  get empty(): boolean {
    return this.pos === this.start && this.parts.length === 0;
  }

  /** Makes room for `n` more bytes at pos: contiguous with the segment when the slab allows. */
  private reserve(n: number): void {
    if (this.segment === slab && this.pos === slabPos && slabPos + n <= slab.length) return;
    this.closeSegment();
    if (slabPos + n > slab.length) {
      slab = Buffer.allocUnsafeSlow(Math.max(n, SLAB_BYTES));
      slabPos = 0;
    }
    this.segment = slab;
    this.start = slabPos;
    this.pos = slabPos;
  }

  /** Moves the segment's pending bytes into `parts`. */
  private closeSegment(): void {
    if (this.pos > this.start) {
      this.parts.push(this.segment.subarray(this.start, this.pos));
      this.partsBytes += this.pos - this.start;
      this.start = this.pos;
    }
  }

  appendText(s: string): void {
    const n = s.length;
    if (n <= SHORT_TEXT) {
      this.reserve(n);
      const b = this.segment;
      let p = this.pos;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[p++] = c;
      }
      if (i === n) {
        this.pos = slabPos = p;
        return;
      }
      // Not ASCII: what the loop wrote past pos is overwritten below.
    }
    // UTF-8 takes at most 3 bytes per UTF-16 unit; measure long strings instead of over-reserving.
    this.reserve(n <= LARGE_BUFFER ? n * 3 : Buffer.byteLength(s, 'utf8'));
    this.pos += this.segment.write(s, this.pos, 'utf8');
    slabPos = this.pos;
  }

  /** A bulk string reply, `$<bytes>\r\n<s>\r\n`, written without building the text first when s is short ASCII. */
  appendBulk(s: string): void {
    const n = s.length;
    if (n <= SHORT_TEXT) {
      this.reserve(n + 7);
      const b = this.segment;
      let p = this.pos;
      b[p++] = 36; // '$'
      if (n >= 10) b[p++] = 48 + ((n / 10) | 0);
      b[p++] = 48 + (n % 10);
      b[p++] = 13;
      b[p++] = 10;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[p++] = c;
      }
      if (i === n) {
        b[p++] = 13;
        b[p++] = 10;
        this.pos = slabPos = p;
        return;
      }
      // Not ASCII: what was written past pos is overwritten below.
    }
    const len = Buffer.byteLength(s, 'utf8');
    this.appendText(`$${len}\r\n`);
    this.reserve(len + 2);
    const b = this.segment;
    let p = this.pos + b.write(s, this.pos, 'utf8');
    b[p++] = 13;
    b[p++] = 10;
    this.pos = slabPos = p;
  }

  appendBuffer(b: Buffer): void {
    const n = b.length;
    if (n < LARGE_BUFFER) {
      this.reserve(n);
      b.copy(this.segment, this.pos);
      this.pos = slabPos = this.pos + n;
      return;
    }
    this.closeSegment();
    this.parts.push(b);
    this.partsBytes += n;
  }

  /** Returns everything buffered and empties the buffer. The bytes returned are never written to again. */
  take(): Buffer {
    const tail = this.segment.subarray(this.start, this.pos);
    this.start = this.pos;
    if (this.parts.length === 0) return tail;
    const parts = this.parts;
    if (tail.length !== 0) parts.push(tail);
    const out = parts.length === 1 ? parts[0] : Buffer.concat(parts, this.partsBytes + tail.length);
    this.parts = [];
    this.partsBytes = 0;
    return out;
  }
}

/** Appends one reply in the given protocol version. */
export function encodeReply(out: ReplyBuffer, reply: Reply, protocol: 2 | 3): void {
  if (reply === null) {
    out.appendText(protocol === 2 ? '$-1\r\n' : '_\r\n');
    return;
  }
  switch (typeof reply) {
    case 'string':
      out.appendBulk(reply);
      return;
    case 'number':
    case 'bigint':
      out.appendText(`:${reply}\r\n`);
      return;
    case 'boolean':
      out.appendText(protocol === 2 ? (reply ? ':1\r\n' : ':0\r\n') : reply ? '#t\r\n' : '#f\r\n');
      return;
  }
  if (Buffer.isBuffer(reply)) {
    out.appendText(`$${reply.length}\r\n`);
    out.appendBuffer(reply);
    out.appendText('\r\n');
  } else if (Array.isArray(reply)) {
    out.appendText(`*${reply.length}\r\n`);
    for (let i = 0; i < reply.length; i++) encodeReply(out, reply[i], protocol);
  } else if (reply instanceof StatusReply) {
    out.appendText(`+${reply.text}\r\n`);
  } else if (reply instanceof ReplyError) {
    if (reply.raw === undefined) out.appendText(`-${reply.message}\r\n`);
    else {
      out.appendText('-');
      out.appendBuffer(reply.raw);
      out.appendText('\r\n');
    }
  } else if (reply instanceof MapReply) {
    const n = reply.items.length;
    out.appendText(protocol === 2 ? `*${n}\r\n` : `%${n / 2}\r\n`);
    for (let i = 0; i < n; i++) encodeReply(out, reply.items[i], protocol);
  } else if (reply instanceof SetReply || reply instanceof PushReply) {
    const n = reply.items.length;
    const head = protocol === 2 ? '*' : reply instanceof SetReply ? '~' : '>';
    out.appendText(`${head}${n}\r\n`);
    for (let i = 0; i < n; i++) encodeReply(out, reply.items[i], protocol);
  } else if (reply instanceof PairsReply) {
    const n = reply.items.length;
    if (protocol === 2) {
      out.appendText(`*${n}\r\n`);
      for (let i = 0; i < n; i++) encodeReply(out, reply.items[i], 2);
    } else {
      out.appendText(`*${n / 2}\r\n`);
      for (let i = 0; i < n; i += 2) {
        out.appendText('*2\r\n');
        encodeReply(out, reply.items[i], 3);
        encodeReply(out, reply.items[i + 1], 3);
      }
    }
  } else if (reply instanceof DoubleReply) {
    const s = formatDouble(reply.value);
    out.appendText(protocol === 2 ? `$${s.length}\r\n${s}\r\n` : `,${s}\r\n`);
  } else if (reply instanceof VerbatimReply) {
    if (protocol === 2) encodeReply(out, reply.text, 2);
    else out.appendText(`=${Buffer.byteLength(reply.text) + 4}\r\n${reply.format}:${reply.text}\r\n`);
  } else if (reply instanceof BigNumberReply) {
    if (protocol === 2) encodeReply(out, reply.digits, 2);
    else out.appendText(`(${reply.digits}\r\n`);
  } else if (reply instanceof NilArrayReply) {
    out.appendText(protocol === 2 ? '*-1\r\n' : '_\r\n');
  } else if (reply instanceof NoReply) {
    // nothing goes on the wire
  } else {
    throw new TypeError('unknown reply');
  }
}

/** Encodes one reply to bytes. */
export function encodeToBuffer(reply: Reply, protocol: 2 | 3): Buffer {
  const out = new ReplyBuffer();
  encodeReply(out, reply, protocol);
  return out.take();
}
