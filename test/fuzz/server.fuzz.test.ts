/**
 * Fuzzing the RESP server over real sockets (bounded: a few seconds per property).
 *
 * 1. Framing: random commands (table commands with random arguments, wrong
 *    arities, unknown names), each encoded as a RESP multibulk or an inline
 *    line, concatenated and cut at random points into separate writes. Every
 *    complete command gets exactly one reply, in order: the reply stream equals
 *    the one produced by the same bytes sent in a single write to a twin server
 *    (both engines on a frozen ManualClock, so TTLs are deterministic).
 * 2. Malformed input: a valid prefix then a broken frame (bad counts, bad bulk
 *    lengths, a missing '$', unbalanced quotes, token soup). The bytes the
 *    client receives, and whether it is closed, are exactly what a real
 *    redis-server sends for the same input. The process never crashes and a
 *    witness connection keeps working throughout.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_TABLE } from '../../src/commands/registry.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { ReplyBuffer } from '../../src/protocol/encoder.js';
import type { Arg } from '../../src/util/bytes.js';
import { encodeRequest, type RedisProcess, replyLength, startRedis } from '../diff/harness.js';
import { RawClient, resp, type Started, startServer } from '../server/helpers.js';

/** Commands whose replies are random (Math.random), or that block, close, change server state or reply more than once. */
const EXCLUDED = new Set([
  'spop',
  'srandmember',
  'zrandmember',
  'hrandfield',
  'randomkey',
  'object',
  'wait',
  'quit',
]);
const GROUPS = new Set([
  'string',
  'bitmap',
  'list',
  'sorted-set',
  'generic',
  'hash',
  'set',
  'transactions',
  'connection',
]);
const EXTRA = new Set(['dbsize', 'flushdb', 'swapdb', 'publish']);

interface Spec {
  name: string;
  arity: number;
}

const SPECS: Spec[] = [...COMMAND_TABLE.values()]
  .filter(
    (c) =>
      (GROUPS.has(c.meta.group) || EXTRA.has(c.name)) &&
      !EXCLUDED.has(c.name) &&
      c.subcommands === undefined &&
      !c.flags.has('blocking') &&
      (!c.flags.has('pubsub') || c.name === 'publish') &&
      c.name !== 'auth',
  )
  .map((c) => ({ name: c.name, arity: c.arity }));

const KEYS = ['k0', 'k1', 'k2', '{t}k3'];
const NUMBERS = [
  '0',
  '1',
  '2',
  '-1',
  '3',
  '10',
  '64',
  '1.5',
  '-2.5',
  'inf',
  '+inf',
  '-inf',
  '(1',
  '[a',
  '-',
  '+',
  'nan',
];
const WORDS =
  'NX XX GT LT EX PX EXAT KEEPTTL GET WITHSCORES LIMIT REV BYSCORE BYLEX COUNT MATCH TYPE LEFT RIGHT BEFORE AFTER ALPHA DESC STORE AGGREGATE SUM MIN MAX WEIGHTS IDX LEN MINMATCHLEN WITHMATCHLEN CH INCR RANK MAXLEN AND OR XOR NOT BIT BYTE u8 i16 u63 OVERFLOW WRAP SAT FAIL SET INCRBY 3 2'.split(
    ' ',
  );

/** An argument: a key, a number-ish, an option word, short text or short bytes (no long digit runs). */
const arbArg: fc.Arbitrary<Arg> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...KEYS) },
  { weight: 3, arbitrary: fc.constantFrom(...NUMBERS) },
  { weight: 3, arbitrary: fc.constantFrom(...WORDS) },
  {
    weight: 2,
    arbitrary: fc.string({ unit: fc.constantFrom(...'abcxyz:*?[]\\ "\'\r\n\t\u00e9\u2713'), maxLength: 8 }),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 6 }).map((b) => Buffer.from(b)) },
);

/** A command: a table command with a fitting (sometimes wrong) argument count, or an unknown name. */
const arbArgv: fc.Arbitrary<Arg[]> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .record({
        spec: fc.constantFrom(...SPECS),
        wrongBy: fc.oneof(
          { weight: 8, arbitrary: fc.constant(0) },
          { weight: 1, arbitrary: fc.integer({ min: -1, max: 1 }) },
        ),
        extra: fc.integer({ min: 0, max: 4 }),
        args: fc.array(arbArg, { maxLength: 12 }),
        upper: fc.boolean(),
      })
      .map(({ spec, wrongBy, extra, args, upper }) => {
        let n = spec.arity > 0 ? spec.arity - 1 : -spec.arity - 1 + extra;
        n = Math.max(0, n + wrongBy);
        const argv: Arg[] = [upper ? spec.name.toUpperCase() : spec.name];
        for (let i = 0; i < n; i++) argv.push(i < args.length ? args[i] : KEYS[i % KEYS.length]);
        return argv;
      }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('nosuch', 'GETT', 'x', 'sett', 'clientt'), fc.array(arbArg, { maxLength: 3 }))
      .map(([name, args]) => [name, ...args]),
  },
);

/** One inline argument, double-quoted with sdssplitargs escapes so any byte survives. */
function quoteInline(a: Arg): string {
  const b = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  let s = '"';
  for (const c of b) {
    if (c === 0x22 || c === 0x5c) s += `\\${String.fromCharCode(c)}`;
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${s}"`;
}

function encodeInline(argv: Arg[]): Buffer {
  return Buffer.from(`${argv.map(quoteInline).join(' ')}\r\n`, 'latin1');
}

/** Cuts bytes at the given offsets (sorted, deduplicated, clamped); never returns empty pieces. */
function split(input: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, input.length]) {
    if (p > prev) out.push(input.subarray(prev, p));
    prev = p;
  }
  return out;
}

/** Writes pieces one by one, letting each reach the server as its own read. */
async function writeSplit(c: RawClient, pieces: Buffer[]): Promise<void> {
  for (const piece of pieces) {
    if (c.closed) return;
    await c.write(piece);
    await new Promise((r) => setImmediate(r));
  }
}

function countReplies(buf: Buffer): { n: number; rest: number } {
  let n = 0;
  let p = 0;
  for (;;) {
    const len = replyLength(buf, p);
    if (len < 0) return { n, rest: buf.length - p };
    n++;
    p += len;
  }
}

/** Sends bytes and half-closes; resolves with everything received once the server has closed. */
async function exchange(port: number, pieces: Buffer[]): Promise<Buffer> {
  const c = await RawClient.connect(port);
  c.socket.setNoDelay(true);
  await writeSplit(c, pieces);
  if (!c.closed) c.socket.end();
  await c.until(() => c.closed, 5000);
  return c.received;
}

/** FUZZ_SCALE=n multiplies runs and time limits, for a longer hunt than CI's bounded one. */
const SCALE = Math.max(1, Number(process.env.FUZZ_SCALE) || 1);
const runs = (numRuns: number, ms: number) => ({
  numRuns: numRuns * SCALE,
  interruptAfterTimeLimit: ms * SCALE,
});

const FROZEN = 1_700_000_000_000;
let a: Started;
let b: Started;
let redis: RedisProcess;
let witness: RawClient;

beforeAll(async () => {
  const engine = () => new Engine({ clock: new ManualClock(FROZEN), activeExpiry: false });
  [a, b, redis] = await Promise.all([startServer({}, engine()), startServer({}, engine()), startRedis()]);
  witness = await RawClient.connect(a.port);
});
afterAll(async () => {
  witness.close();
  await Promise.all([a.stop(), b.stop(), redis.stop()]);
});

async function witnessAlive(): Promise<void> {
  expect(witness.closed).toBe(false);
  const [reply] = await witness.request(resp('ECHO', 'alive'));
  expect(reply).toBe('$5\r\nalive\r\n');
}

/** A final command answered the same way in any state (MULTI, RESP3): an unknown name. */
const MARKER = encodeRequest(['zz-marker']);
const MARKER_REPLY = "-ERR unknown command 'zz-marker', with args beginning with: \r\n";

describe('reply buffers, the output path of the server', () => {
  /** One append: text (ASCII or not, short or long), a bulk string, or a Buffer (small or large). */
  const arbAppend = fc.tuple(
    fc.nat(3),
    fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ minLength: 60, maxLength: 70 }),
      fc.nat(200_000).map((n) => 'y'.repeat(n)),
    ),
    fc.oneof(
      fc.uint8Array({ maxLength: 100 }),
      fc.nat(150_000).map((n) => new Uint8Array(n).fill(7)),
    ),
    fc.boolean(),
  );

  it('hands out exactly the bytes appended, however buffers interleave, and never rewrites them', () => {
    fc.assert(
      fc.property(fc.array(arbAppend, { maxLength: 60 }), (ops) => {
        const buffers = [new ReplyBuffer(), new ReplyBuffer(), new ReplyBuffer()];
        const expected: Buffer[][] = [[], [], []];
        const taken: { got: Buffer; copy: Buffer }[] = [];
        for (const [which, text, bytes, take] of ops) {
          const i = which % 3;
          const out = buffers[i];
          switch (which) {
            case 0:
              out.appendText(text);
              expected[i].push(Buffer.from(text, 'utf8'));
              break;
            case 1:
              out.appendBulk(text);
              expected[i].push(Buffer.from(`$${Buffer.byteLength(text)}\r\n${text}\r\n`, 'utf8'));
              break;
            default:
              out.appendBuffer(Buffer.from(bytes));
              expected[i].push(Buffer.from(bytes));
          }
          const want = Buffer.concat(expected[i]);
          expect(out.length).toBe(want.length);
          if (take) {
            const got = out.take();
            expect(got.equals(want)).toBe(true);
            expect(out.empty).toBe(true);
            taken.push({ got, copy: Buffer.from(got) });
            expected[i] = [];
          }
        }
        for (const { got, copy } of taken) expect(got.equals(copy)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('RESP server fuzzing', () => {
  it(
    'answers every command exactly once, in order, however the bytes are split',
    async () => {
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(arbArgv, fc.nat(9)), { minLength: 1, maxLength: 40 }),
          fc.array(fc.nat(), { maxLength: 12 }),
          fc.nat(4),
          async (commands, cuts, blanks) => {
            const frames: Buffer[] = [];
            for (const [argv, how] of commands)
              frames.push(how < 3 ? encodeInline(argv) : encodeRequest(argv));
            // Blank inline lines are skipped without a reply.
            for (let i = 0; i < blanks; i++)
              frames.splice((i * 7) % (frames.length + 1), 0, Buffer.from('\r\n'));
            frames.push(MARKER);
            const input = Buffer.concat(frames);
            const expected = commands.length + 1;
            await Promise.all(
              [a, b].map((s) =>
                RawClient.connect(s.port).then((c) => c.request(resp('FLUSHALL')).then(() => c.close())),
              ),
            );
            const [split_, whole] = await Promise.all([RawClient.connect(a.port), RawClient.connect(b.port)]);
            try {
              await Promise.all([writeSplit(split_, split(input, cuts)), whole.write(input)]);
              const done = (c: RawClient) => () =>
                c.closed || c.received.toString('latin1').endsWith(MARKER_REPLY);
              await Promise.all([split_.until(done(split_)), whole.until(done(whole))]);
              expect(split_.closed).toBe(false);
              const counted = countReplies(split_.received);
              expect(counted).toEqual({ n: expected, rest: 0 });
              // HELLO's reply holds the connection id, which differs between the twins.
              const norm = (c: RawClient) =>
                c.received.toString('latin1').replace(/(\$2\r\nid\r\n):\d+\r\n/g, '$1:0\r\n');
              expect(norm(split_)).toBe(norm(whole));
            } finally {
              split_.close();
              whole.close();
            }
          },
        ),
        runs(150, 12_000),
      );
      await witnessAlive();
      expect(Date.now() - started).toBeLessThan(20_000 * SCALE);
    },
    30_000 * SCALE,
  );

  it('quotes client bytes in rejections exactly as redis-server does (NUL, 128-byte cut, non-UTF-8)', async () => {
    const cases: Arg[][] = [
      ['\u00e9'.repeat(100)],
      ['a\0b', 'x'],
      ['nosuch', 'a\0b', 'c'],
      ['nosuch', Buffer.from([0xff, 0xfe])],
      ['nosuch', '\u00e9'.repeat(100)],
      ['nosuch', 'x'.repeat(60), 'y'.repeat(60), 'z'.repeat(60)],
      ['nosuch', 'a\r\nb'],
      [Buffer.from([0xc3])],
      ['object', Buffer.from([0xff])],
      ['object', '\u00e9'.repeat(100)],
      ['config', 'a\0b'],
    ];
    for (const argv of cases) {
      const input = encodeRequest(argv);
      const [ours, theirs] = await Promise.all([exchange(a.port, [input]), exchange(redis.port, [input])]);
      expect(ours.toString('latin1'), JSON.stringify(argv)).toBe(theirs.toString('latin1'));
    }
  });

  /** Frames Redis answers with a protocol error (then closes). */
  const arbMalformed: fc.Arbitrary<string> = fc.oneof(
    fc.constantFrom(
      '*abc\r\n',
      '*01\r\n',
      '*+1\r\n',
      '*1x\r\n',
      '*2147483648\r\n',
      '*-\r\n',
      '*\r\n',
      '*99999999999999999999\r\n',
    ),
    fc
      .constantFrom('$x', '$-5', '$', '$01', '$600000000', '$+3', '$3 ')
      .map((l) => `*2\r\n$4\r\nECHO\r\n${l}\r\nabc\r\n`),
    fc
      .constantFrom(':', '+', '-', '*', 'E', '\u00e9', ' ', '\n')
      .map((c) => `*2\r\n$4\r\nECHO\r\n${c}3\r\nabc\r\n`),
    fc
      .constantFrom('ECHO "abc', 'ECHO "a"b', "ECHO 'x'y", 'SET k "\\x4', "GET 'unterminated", '"', 'a "b\\"')
      .map((line) => `${line}\r\n`),
    fc.constantFrom('*1\r\n\r\n', '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n#1\r\n'),
  );

  const arbPrefixCommand: fc.Arbitrary<string> = fc.oneof(
    fc.constant(resp('PING')),
    fc.constant('PING\r\n'),
    fc.string({ unit: fc.constantFrom(...'abc xyz\u00e9'), maxLength: 6 }).map((t) => resp('ECHO', t)),
    fc.constant(resp('SET', 'fz', 'v')),
    fc.constant(resp('INCR', 'fz:n')),
    fc.constant(resp('GET', 'fz')),
    fc.constant('\r\n'),
    fc.constant(resp('NOSUCH', 'arg')),
    fc.constant(resp('GET')),
  );

  it(
    'answers malformed frames byte for byte as redis-server does, then closes',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(arbPrefixCommand, { maxLength: 6 }),
          arbMalformed,
          fc.string({ maxLength: 20 }),
          fc.array(fc.nat(), { maxLength: 6 }),
          async (prefix, bad, suffix, cuts) => {
            const input = Buffer.from(prefix.join('') + bad + suffix, 'utf8');
            const [ours, theirs] = await Promise.all([
              exchange(a.port, split(input, cuts)),
              exchange(redis.port, [input]),
            ]);
            expect(ours.toString('latin1')).toBe(theirs.toString('latin1'));
            expect(ours.toString('latin1')).toMatch(/-ERR Protocol error: [^\r\n]+\r\n$/);
          },
        ),
        runs(120, 6_000),
      );
      await witnessAlive();
    },
    30_000 * SCALE,
  );

  /** Token soup: pieces of RESP syntax in random order. */
  const arbSoup = fc
    .array(
      fc.constantFrom(
        '*',
        '$',
        '0',
        '1',
        '2',
        '3',
        '4',
        '-1',
        '+',
        ':',
        '\r',
        '\n',
        '\r\n',
        '"',
        "'",
        '\\',
        '\\x',
        'ff',
        ' ',
        '\t',
        '\u000b',
        '\u0000',
        '\u00ff',
        'PING',
        'ECHO',
        'GET',
        'x',
        '99999999999',
      ),
      { minLength: 1, maxLength: 60 },
    )
    .map((tokens) => Buffer.from(tokens.join(''), 'latin1'));

  it(
    'treats token soup exactly as redis-server does, never crashing',
    async () => {
      await fc.assert(
        fc.asyncProperty(arbSoup, fc.array(fc.nat(), { maxLength: 6 }), async (input, cuts) => {
          const [ours, theirs] = await Promise.all([
            exchange(a.port, split(input, cuts)),
            exchange(redis.port, [input]),
          ]);
          expect(ours.toString('latin1')).toBe(theirs.toString('latin1'));
        }),
        runs(200, 6_000),
      );
      await witnessAlive();
    },
    30_000 * SCALE,
  );
});
