/**
 * Differential testing: the same commands go to a real redis-server (Debian's
 * package, started here on a free port) and to Cachee, and the raw reply bytes
 * are compared. Cachee is driven in-process (dispatch + the RESP encoder), or
 * through its TCP server when one is given.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { dispatch } from '../../src/commands/dispatch.js';
import { Session } from '../../src/commands/session.js';
import { Engine } from '../../src/engine/engine.js';
import { encodeToBuffer } from '../../src/protocol/encoder.js';
import type { Arg } from '../../src/util/bytes.js';

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A throwaway redis-server. */
export interface RedisProcess {
  port: number;
  stop(): Promise<void>;
}

/** Starts `redis-server` on a free port with persistence off; resolves once it accepts connections. */
export async function startRedis(extraArgs: string[] = []): Promise<RedisProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100; i++) {
    try {
      const c = await RawConnection.connect(port);
      await c.close();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

/**
 * Starts a redis-server for the calling test file (in beforeAll) and stops it
 * afterwards; read `.port` inside tests.
 */
export function useRedis(extraArgs: string[] = []): { readonly port: number } {
  let proc: RedisProcess | undefined;
  beforeAll(async () => {
    proc = await startRedis(extraArgs);
  });
  afterAll(async () => {
    await proc?.stop();
  });
  return {
    get port(): number {
      if (proc === undefined) throw new Error('redis-server is not started yet');
      return proc.port;
    },
  };
}

/** Returns the length of the first complete RESP reply in buf, or -1 when incomplete. */
export function replyLength(buf: Buffer, pos = 0): number {
  if (pos >= buf.length) return -1;
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) return -1;
  const type = String.fromCharCode(buf[pos]);
  const line = buf.toString('latin1', pos + 1, eol);
  let p = eol + 2;
  switch (type) {
    case '+':
    case '-':
    case ':':
    case '_':
    case ',':
    case '#':
    case '(':
      return p - pos;
    case '$':
    case '=':
    case '!': {
      const n = Number(line);
      if (n < 0) return p - pos;
      return p + n + 2 <= buf.length ? p + n + 2 - pos : -1;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      let n = Number(line);
      if (n < 0) return p - pos;
      if (type === '%' || type === '|') n *= 2;
      for (let i = 0; i < n; i++) {
        const len = replyLength(buf, p);
        if (len < 0) return -1;
        p += len;
      }
      if (type === '|') {
        const len = replyLength(buf, p);
        return len < 0 ? -1 : p + len - pos;
      }
      return p - pos;
    }
    default:
      throw new Error(`bad reply type ${JSON.stringify(type)} in ${JSON.stringify(buf.toString('latin1'))}`);
  }
}

/** Encodes argv as a RESP multibulk request. */
export function encodeRequest(argv: readonly Arg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) {
    const b = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** A raw RESP connection that returns each reply's bytes undecoded. */
export class RawConnection {
  private buf = Buffer.alloc(0);
  private waiters: { resolve: (b: Buffer) => void; reject: (e: Error) => void }[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.drain();
    });
    socket.on('close', () => {
      for (const w of this.waiters.splice(0)) w.reject(new Error('connection closed'));
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host);
      s.once('error', reject);
      s.once('connect', () => {
        s.removeListener('error', reject);
        s.on('error', () => {});
        resolve(new RawConnection(s));
      });
    });
  }

  private drain(): void {
    while (this.waiters.length > 0) {
      const len = replyLength(this.buf);
      if (len < 0) return;
      const reply = this.buf.subarray(0, len);
      this.buf = this.buf.subarray(len);
      this.waiters.shift()!.resolve(Buffer.from(reply));
    }
  }

  /** Sends raw bytes and waits for `replies` replies. */
  sendRaw(bytes: Buffer | string, replies = 1): Promise<Buffer[]> {
    const out: Promise<Buffer>[] = [];
    for (let i = 0; i < replies; i++) {
      out.push(new Promise((resolve, reject) => this.waiters.push({ resolve, reject })));
    }
    this.socket.write(bytes);
    this.drain();
    return Promise.all(out);
  }

  /** Sends one command and returns its reply bytes. */
  async send(argv: readonly Arg[]): Promise<Buffer> {
    const [r] = await this.sendRaw(encodeRequest(argv));
    return r;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.socket.end(() => resolve());
      this.socket.destroy();
    });
  }
}

/** Something that answers commands with raw reply bytes. */
export interface Target {
  send(argv: readonly Arg[]): Promise<Buffer>;
  close(): Promise<void>;
}

/** Cachee in-process: dispatch on a session, encode the reply. */
export class InProcessTarget implements Target {
  readonly session: Session;
  constructor(readonly engine: Engine = new Engine()) {
    this.session = new Session(engine, { requirepass: null }, 'tcp');
  }
  async send(argv: readonly Arg[]): Promise<Buffer> {
    return encodeToBuffer(dispatch(this.session, [...argv]), this.session.protocol);
  }
  async close(): Promise<void> {
    this.engine.close();
  }
}

/** Shows reply bytes readably in a failure message. */
export function show(b: Buffer): string {
  return JSON.stringify(b.toString('latin1'));
}

/** How to compare two replies. */
export type Compare = 'exact' | 'sorted' | 'type';

/** A redis-server connection and a Cachee target, both speaking the same protocol. */
export class DiffPair {
  readonly log: string[] = [];

  constructor(
    readonly redis: Target,
    readonly cachee: Target,
    readonly protocol: 2 | 3,
  ) {}

  /**
   * Connects to a running redis-server and to Cachee (in-process unless `cacheePort`
   * names a Cachee server), switches both to `protocol`, and flushes both.
   */
  static async open(redisPort: number, protocol: 2 | 3, cacheePort?: number): Promise<DiffPair> {
    const redis = await RawConnection.connect(redisPort);
    const cachee = cacheePort === undefined ? new InProcessTarget() : await RawConnection.connect(cacheePort);
    const pair = new DiffPair(redis, cachee, protocol);
    if (protocol === 3) {
      await redis.send(['HELLO', '3']);
      await cachee.send(['HELLO', '3']);
    }
    await pair.both(['FLUSHALL']);
    return pair;
  }

  /** Sends to both, returns both raw replies. */
  async both(argv: readonly Arg[]): Promise<{ redis: Buffer; cachee: Buffer }> {
    const [redis, cachee] = await Promise.all([this.redis.send(argv), this.cachee.send(argv)]);
    this.log.push(argv.map((a) => (typeof a === 'string' ? a : `<${a.toString('hex')}>`)).join(' '));
    return { redis, cachee };
  }

  /**
   * Sends to both and throws, with both replies and the command history, when they differ.
   * `sorted` compares the elements of a flat array reply as a multiset (SCAN-like order);
   * `type` compares only the reply's first byte (nondeterministic values).
   */
  async check(argv: readonly Arg[], compare: Compare = 'exact'): Promise<Buffer> {
    const { redis, cachee } = await this.both(argv);
    const same =
      compare === 'exact'
        ? redis.equals(cachee)
        : compare === 'type'
          ? redis[0] === cachee[0]
          : sortedElements(redis) === sortedElements(cachee);
    if (!same) {
      throw new Error(
        `mismatch (RESP${this.protocol}) on: ${this.log.at(-1)}\n  redis:  ${show(redis)}\n  cachee: ${show(cachee)}\n` +
          `sequence:\n  ${this.log.slice(-30).join('\n  ')}`,
      );
    }
    return redis;
  }

  /** Runs a list of commands with {@link check}. */
  async checkAll(commands: readonly (readonly Arg[])[], compare: Compare = 'exact'): Promise<void> {
    for (const c of commands) await this.check(c, compare);
  }

  async close(): Promise<void> {
    await Promise.all([this.redis.close(), this.cachee.close()]);
  }
}

/** Splits a one-level aggregate reply into its element encodings, sorted (header kept). */
function sortedElements(b: Buffer): string {
  const eol = b.indexOf('\r\n');
  const head = b.toString('latin1', 0, eol + 2);
  if (!'*~%'.includes(head[0])) return b.toString('latin1');
  const items: string[] = [];
  let p = eol + 2;
  while (p < b.length) {
    const len = replyLength(b, p);
    items.push(b.toString('latin1', p, p + len));
    p += len;
  }
  return head + items.sort().join('');
}

/** Opens a {@link DiffPair}, runs `body` with it and always closes it. */
export async function withPair(
  redisPort: number,
  protocol: 2 | 3,
  body: (pair: DiffPair) => Promise<void>,
): Promise<void> {
  const pair = await DiffPair.open(redisPort, protocol);
  try {
    await body(pair);
  } finally {
    await pair.close();
  }
}

/** Splits a SCAN-family page (`*2`, the cursor, then a flat array of bulk strings) into cursor and items. */
export function parseScanReply(b: Buffer): { cursor: string; items: string[] } {
  const lines = b.toString('latin1').split('\r\n');
  const m = Number(lines[3].slice(1));
  const items: string[] = [];
  for (let i = 0; i < m; i++) items.push(lines[5 + 2 * i]);
  return { cursor: lines[2], items };
}
