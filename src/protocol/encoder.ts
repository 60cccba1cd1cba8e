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

/**
 * Accumulates encoded replies. Text is gathered in one string (V8 ropes make `+=`
 * cheap) and Buffers are kept as they are; {@link ReplyBuffer.take} joins them.
 */
export class ReplyBuffer {
  private parts: Buffer[] = [];
  private text = '';
  private bytes = 0;

  /** Bytes buffered so far (for output-buffer limits). */
  get length(): number {
    return this.bytes + Buffer.byteLength(this.text);
  }

  /**
   * A lower bound of {@link length} in O(1) (pending text counted in UTF-16 units, not
   * bytes): for flush thresholds checked after every reply.
   */
  get approxLength(): number {
    return this.bytes + this.text.length;
  }

  /** True when no Buffer was appended since the last take: {@link takeText} hands out everything. */
  get textOnly(): boolean {
    return this.parts.length === 0;
  }

  /** Returns the buffered text when {@link textOnly} holds, and empties the buffer. */
  takeText(): string {
    const out = this.text;
    this.text = '';
    return out;
  }

  /** True when nothing is buffered. */
  get empty(): boolean {
    return this.text.length === 0 && this.parts.length === 0;
  }

  appendText(s: string): void {
    this.text += s;
  }

  appendBuffer(b: Buffer): void {
    if (this.text.length !== 0) {
      const t = Buffer.from(this.text, 'utf8');
      this.parts.push(t);
      this.bytes += t.length;
      this.text = '';
    }
    this.parts.push(b);
    this.bytes += b.length;
  }

  /** Returns everything buffered and empties the buffer. */
  take(): Buffer {
    if (this.parts.length === 0) {
      const out = Buffer.from(this.text, 'utf8');
      this.text = '';
      return out;
    }
    if (this.text.length !== 0) this.parts.push(Buffer.from(this.text, 'utf8'));
    const out = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    this.parts = [];
    this.text = '';
    this.bytes = 0;
    return out;
  }
}

/** Strings up to this many chars have their UTF-8 length counted in JS when they are ASCII. */
const SHORT_STRING = 64;

/**
 * Buffer.byteLength(s, 'utf8'), without the native call for short ASCII strings (most
 * replies: values, members, fields), where a charCode loop is several times cheaper.
 */
function utf8Length(s: string): number {
  const n = s.length;
  if (n > SHORT_STRING) return Buffer.byteLength(s, 'utf8');
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, 'utf8');
  return n;
}

/** Appends one reply in the given protocol version. */
export function encodeReply(out: ReplyBuffer, reply: Reply, protocol: 2 | 3): void {
  if (reply === null) {
    out.appendText(protocol === 2 ? '$-1\r\n' : '_\r\n');
    return;
  }
  switch (typeof reply) {
    case 'string':
      out.appendText(`$${utf8Length(reply)}\r\n${reply}\r\n`);
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
