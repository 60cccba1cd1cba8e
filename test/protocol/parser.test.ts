import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Err } from '../../src/errors.js';
import {
  DEFAULT_LIMITS,
  decodeArg,
  type ParserLimits,
  ProtocolError,
  parseLongLong,
  RequestParser,
} from '../../src/protocol/parser.js';
import type { Arg } from '../../src/util/bytes.js';
import { type RedisProcess, replyLength, startRedis } from '../diff/harness.js';

/** What a parser made of some input: the commands, and the error that stopped it, if any. */
interface Outcome {
  commands: Arg[][];
  error?: string;
  buffered: number;
}

const bytes = (s: string | Buffer): Buffer => (typeof s === 'string' ? Buffer.from(s, 'latin1') : s);

/** Feeds `chunks` one push at a time, draining next() after each. */
function parse(
  chunks: (string | Buffer)[] | string | Buffer,
  opts: { limits?: Partial<ParserLimits>; authenticated?: boolean } = {},
): Outcome {
  const p = new RequestParser(opts.limits);
  if (opts.authenticated === false) p.authenticated = false;
  const commands: Arg[][] = [];
  const list = Array.isArray(chunks) ? chunks : [chunks];
  try {
    for (const c of list) {
      p.push(bytes(c));
      for (let argv = p.next(); argv !== undefined; argv = p.next()) commands.push(argv);
    }
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    return { commands, error: (e as ProtocolError).message, buffered: p.buffered };
  }
  return { commands, buffered: p.buffered };
}

/** Splits into 1-byte chunks. */
const bytewise = (s: string | Buffer): Buffer[] => [...bytes(s)].map((b) => Buffer.of(b));

describe('RequestParser: multibulk', () => {
  it('parses a command, args as strings', () => {
    expect(parse('*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n').commands).toEqual([
      ['SET', 'key', 'value'],
    ]);
  });

  it('decodes UTF-8 args as strings and other bytes as Buffers', () => {
    const utf8 = Buffer.from('héllo wörld ✓ 😀', 'utf8');
    const bin = Buffer.from([0xff, 0x00, 0x80, 0x41]);
    const input = Buffer.concat([
      bytes(`*3\r\n$4\r\nECHO\r\n$${utf8.length}\r\n`),
      utf8,
      bytes(`\r\n$4\r\n`),
      bin,
      bytes('\r\n'),
    ]);
    const [argv] = parse(input).commands;
    expect(argv[1]).toBe('héllo wörld ✓ 😀');
    expect(Buffer.isBuffer(argv[2])).toBe(true);
    expect(argv[2]).toEqual(bin);
  });

  it('empty bulks are empty strings', () => {
    expect(parse('*2\r\n$0\r\n\r\n$0\r\n\r\n').commands).toEqual([['', '']]);
  });

  it('pipelines many commands in one chunk', () => {
    const one = '*2\r\n$3\r\nGET\r\n$1\r\nk\r\n';
    const out = parse(one.repeat(1000));
    expect(out.commands).toHaveLength(1000);
    expect(out.commands[999]).toEqual(['GET', 'k']);
    expect(out.buffered).toBe(0);
  });

  it('assembles frames split at every byte', () => {
    const input = '*2\r\n$4\r\nPING\r\n$2\r\nhi\r\nPING\r\n*1\r\n$4\r\nPING\r\n';
    const whole = parse(input).commands;
    expect(whole).toEqual([['PING', 'hi'], ['PING'], ['PING']]);
    expect(parse(bytewise(input)).commands).toEqual(whole);
    for (let i = 1; i < input.length; i++) {
      expect(parse([input.slice(0, i), input.slice(i)]).commands).toEqual(whole);
    }
  });

  it('skips counts <= 0', () => {
    expect(parse('*0\r\n*-1\r\n*-9223372036854775808\r\n*1\r\n$4\r\nPING\r\n').commands).toEqual([['PING']]);
  });

  it('takes the two bytes after a payload as its CRLF without checking them', () => {
    expect(parse('*1\r\n$3\r\nfooXY*1\r\n$4\r\nPING\r\n').commands).toEqual([['foo'], ['PING']]);
  });

  it("skips the byte after a length line's '\\r' whatever it is", () => {
    expect(parse('*1\rX$4\rYPING\r\n').commands).toEqual([['PING']]);
  });

  it('waits for the byte after the \\r of a length line', () => {
    const p = new RequestParser();
    p.push(bytes('*1\r'));
    expect(p.next()).toBeUndefined();
    p.push(bytes('\n$1\r'));
    expect(p.next()).toBeUndefined();
    p.push(bytes('\na\r'));
    expect(p.next()).toBeUndefined();
    p.push(bytes('\n'));
    expect(p.next()).toEqual(['a']);
  });

  it('a NUL before the \\r means no line yet (strchr), until the size limit', () => {
    const out = parse('*1\0\r\n$4\r\nPING\r\n');
    expect(out.commands).toEqual([]);
    expect(out.error).toBeUndefined();
    expect(parse(['*1\0\r\n', 'x'.repeat(64 * 1024)]).error).toBe(Err.protoTooBigMbulkCount);
    expect(parse(['*1\r\n$1\0\r\n', 'x'.repeat(64 * 1024)]).error).toBe(Err.protoTooBigBulkCount);
  });

  it('keeps argument bytes that span chunks intact after more pushes', () => {
    const p = new RequestParser();
    const big = Buffer.alloc(100_000, 0xfe); // not UTF-8: returned as a Buffer
    const input = Buffer.concat([
      bytes(`*2\r\n$3\r\nSET\r\n$${big.length}\r\n`),
      big,
      bytes('\r\n*1\r\n$4\r\nPING\r\n'),
    ]);
    const got: Arg[][] = [];
    for (let i = 0; i < input.length; i += 1000) {
      p.push(input.subarray(i, i + 1000));
      for (let a = p.next(); a !== undefined; a = p.next()) got.push(a);
    }
    expect(got).toHaveLength(2);
    expect(got[0][1]).toEqual(big);
    // Reusing the parser's buffers must not change what was handed out.
    p.push(Buffer.concat([bytes(`*1\r\n$${big.length}\r\n`), Buffer.alloc(big.length, 1), bytes('\r\n')]));
    p.next();
    expect(got[0][1]).toEqual(big);
  });

  it('does not alias the pushed chunk', () => {
    const chunk = Buffer.from('*1\r\n$2\r\n\xff\xfe\r\n', 'latin1');
    const [argv] = parse(chunk).commands;
    chunk.fill(0);
    expect(argv[0]).toEqual(Buffer.from([0xff, 0xfe]));
  });

  it('reports buffered bytes', () => {
    const p = new RequestParser();
    p.push(bytes('*2\r\n$3\r\nGET\r\n$5\r\nab'));
    expect(p.next()).toBeUndefined();
    expect(p.buffered).toBe(2); // the '$5' line was consumed, "ab" waits for the rest
  });
});

describe('RequestParser: inline', () => {
  const inline = (line: string) => parse(line).commands;

  it('splits on blanks, \\n or \\r\\n line ends, skips empty lines', () => {
    expect(inline('SET  k\tv\r\n\r\n\n   \r\nGET k\n')).toEqual([
      ['SET', 'k', 'v'],
      ['GET', 'k'],
    ]);
  });

  it('handles the sdssplitargs quoting rules', () => {
    const cases: [string, Arg[]][] = [
      ['ECHO "a b"', ['ECHO', 'a b']],
      ['ECHO "\\n\\r\\t\\b\\a\\\\\\"\\q"', ['ECHO', '\n\r\t\b\x07\\"q']],
      ['ECHO "\\x41\\x4g\\x"', ['ECHO', 'Ax4gx']],
      ['ECHO "\\xff\\xfe"', ['ECHO', Buffer.from([0xff, 0xfe])]],
      ['ECHO "\\xc3\\xa9"', ['ECHO', 'é']],
      ["ECHO 'it\\'s' 'a\\nb'", ['ECHO', "it's", 'a\\nb']],
      ['ECHO ab"cd"', ['ECHO', 'abcd']],
      ["ECHO ab'cd' x", ['ECHO', 'abcd', 'x']],
      ['ECHO ""', ['ECHO', '']],
      ["ECHO ''", ['ECHO', '']],
      ['ECHO "a"\tb', ['ECHO', 'a', 'b']],
      ['ECHO "a"\vb', ['ECHO', 'a', 'b']],
      ['ECHO a\vb', ['ECHO', 'a\vb']],
      ['ECHO \va', ['ECHO', 'a']],
      ['ECHO a\rb', ['ECHO', 'a', 'b']],
      ['ECHO "a\rb"', ['ECHO', 'a\rb']],
      ['ECHO \xe9', ['ECHO', Buffer.from([0xe9])]],
    ];
    for (const [line, argv] of cases) expect(inline(`${line}\r\n`), line).toEqual([argv]);
  });

  it('rejects unbalanced quotes', () => {
    for (const line of [
      'ECHO "abc',
      "ECHO 'abc",
      'ECHO "a"b',
      "ECHO 'a'b",
      'ECHO "a\\"',
      'ECHO "\\',
      "ECHO 'a\\'",
    ]) {
      expect(parse(`${line}\r\n`).error, line).toBe(Err.protoUnbalancedQuotes);
    }
  });

  it('a NUL before the \\n means no line yet (strchr)', () => {
    const input = 'ECHO a\0b\r\nPING\r\n';
    expect(parse(input)).toEqual({ commands: [], buffered: input.length });
    expect(parse(['ECHO a\0b\r\nPING\r\n', 'x'.repeat(64 * 1024)]).error).toBe(Err.protoTooBigInline);
  });

  it('rejects an unterminated line over 64 KB, not a long terminated one', () => {
    expect(parse('A'.repeat(64 * 1024 + 1)).error).toBe(Err.protoTooBigInline);
    expect(parse('A'.repeat(64 * 1024)).error).toBeUndefined();
    expect(parse(`ECHO ${'A'.repeat(70_000)}\r\n`).commands[0][1]).toHaveLength(70_000);
    expect(parse(bytewise('A'.repeat(64 * 1024 + 1))).error).toBe(Err.protoTooBigInline);
  });

  it('mixes with multibulk in a pipeline', () => {
    expect(parse('PING\r\n*1\r\n$4\r\nPING\r\nECHO x\n').commands).toEqual([
      ['PING'],
      ['PING'],
      ['ECHO', 'x'],
    ]);
  });
});

describe('RequestParser: errors', () => {
  const cases: [string, string | Buffer, string][] = [
    ['count not a number', '*abc\r\n', Err.protoInvalidMultibulkLen],
    ['empty count', '*\r\n', Err.protoInvalidMultibulkLen],
    ['count with +', '*+1\r\n', Err.protoInvalidMultibulkLen],
    ['count with leading zero', '*01\r\n', Err.protoInvalidMultibulkLen],
    ['count -0', '*-0\r\n', Err.protoInvalidMultibulkLen],
    ['count over INT_MAX', '*2147483648\r\n', Err.protoInvalidMultibulkLen],
    ['count below int64', '*-9223372036854775809\r\n', Err.protoInvalidMultibulkLen],
    ['count line ending in \\n only', '*1\n$4\r\nPING\r\n', Err.protoInvalidMultibulkLen],
    ['missing $', '*1\r\n:4\r\n', Err.protoExpectedDollar(':')],
    ['$ line is blank', '*1\r\n\r\n', Err.protoExpectedDollar(' ')],
    ['$ line starts with \\n', '*1\r\n\n\r\n', Err.protoExpectedDollar(' ')],
    ['non-ASCII byte instead of $', '*1\r\n\xe9\r\n', Err.protoExpectedDollar('\xe9')],
    ['bulk length not a number', '*1\r\n$x\r\n', Err.protoInvalidBulkLen],
    ['negative bulk length', '*1\r\n$-1\r\n', Err.protoInvalidBulkLen],
    ['bulk length over proto-max-bulk-len', '*1\r\n$536870913\r\n', Err.protoInvalidBulkLen],
    ['bulk length over int64', '*1\r\n$9223372036854775808\r\n', Err.protoInvalidBulkLen],
    ['$ line ending in \\n only', '*1\r\n$3\nfoo\r\n', Err.protoInvalidBulkLen],
    ['count line too long', `*${'1'.repeat(64 * 1024)}`, Err.protoTooBigMbulkCount],
    ['bulk length line too long', `*1\r\n$${'1'.repeat(64 * 1024)}`, Err.protoTooBigBulkCount],
    ['inline too long', 'x'.repeat(64 * 1024 + 1), Err.protoTooBigInline],
    ['unbalanced quotes', 'SET "a b\r\n', Err.protoUnbalancedQuotes],
    ['text after a closing quote', "SET 'a'b c\r\n", Err.protoUnbalancedQuotes],
  ];
  for (const [name, input, error] of cases) {
    it(name, () => {
      expect(parse(input).error).toBe(error);
      expect(parse(bytewise(input)).error).toBe(error);
    });
  }

  it('keeps the exact byte of "expected \'$\'" in .bytes', () => {
    const p = new RequestParser();
    p.push(Buffer.from('*1\r\n\xe9\r\n', 'latin1'));
    let error: unknown;
    try {
      p.next();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).bytes).toEqual(
      Buffer.from("ERR Protocol error: expected '$', got '\xe9'", 'latin1'),
    );
  });

  it('applies the unauthenticated limits only while unauthenticated', () => {
    const ten = `*10\r\n${'$1\r\na\r\n'.repeat(10)}`;
    expect(parse(ten, { authenticated: false }).commands).toHaveLength(1);
    expect(parse('*11\r\n', { authenticated: false }).error).toBe(Err.protoUnauthMultibulkLen);
    expect(parse('*11\r\n').error).toBeUndefined();
    const big = `*1\r\n$16384\r\n${'a'.repeat(16384)}\r\n`;
    expect(parse(big, { authenticated: false }).commands).toHaveLength(1);
    expect(parse('*1\r\n$16385\r\n', { authenticated: false }).error).toBe(Err.protoUnauthBulkLen);
    // An invalid length is reported as invalid, not as unauthenticated.
    expect(parse('*2147483648\r\n', { authenticated: false }).error).toBe(Err.protoInvalidMultibulkLen);
    // Inline commands have no argument limits.
    expect(parse(`${'a '.repeat(20)}\r\n`, { authenticated: false }).commands[0]).toHaveLength(20);
  });

  it('the flag applies from the next command on', () => {
    const p = new RequestParser();
    p.authenticated = false;
    p.push(bytes('*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*11\r\n'));
    expect(p.next()).toEqual(['AUTH', 'pw']);
    p.authenticated = true;
    expect(p.next()).toBeUndefined();
  });

  it('honours configured limits', () => {
    expect(parse('*1\r\n$11\r\n', { limits: { maxBulkLen: 10 } }).error).toBe(Err.protoInvalidBulkLen);
    expect(parse('*11\r\n', { limits: { maxMultibulkLen: 10 } }).error).toBe(Err.protoInvalidMultibulkLen);
    expect(parse('abcdefghi', { limits: { maxInlineLen: 8 } }).error).toBe(Err.protoTooBigInline);
    expect(DEFAULT_LIMITS).toEqual({
      maxBulkLen: 512 * 1024 * 1024,
      maxInlineLen: 65536,
      maxMultibulkLen: 2147483647,
    });
  });

  it('commands before the error are returned first', () => {
    const out = parse('PING\r\n*1\r\n$4\r\nPING\r\n*x\r\n');
    expect(out.commands).toEqual([['PING'], ['PING']]);
    expect(out.error).toBe(Err.protoInvalidMultibulkLen);
  });
});

describe('parseLongLong (string2ll over bytes)', () => {
  const ll = (s: string) => parseLongLong(Buffer.from(s), 0, s.length);
  it('accepts what string2ll accepts', () => {
    expect(ll('0')).toBe(0);
    expect(ll('7')).toBe(7);
    expect(ll('-7')).toBe(-7);
    expect(ll('2147483647')).toBe(2147483647);
    expect(ll('9007199254740993')).toBe(2 ** 53); // rounded beyond 2^53, as documented
    expect(ll('9223372036854775807')).toBeGreaterThan(9.2e18);
    expect(ll('-9223372036854775808')).toBeLessThan(-9.2e18);
  });
  it('rejects what string2ll rejects', () => {
    for (const s of [
      '',
      '-',
      '+1',
      '01',
      '-0',
      '00',
      ' 1',
      '1 ',
      '1a',
      '9223372036854775808',
      '-9223372036854775809',
    ]) {
      expect(ll(s), s).toBeNaN();
    }
    expect(ll('99999999999999999999')).toBeNaN();
    expect(ll('1'.repeat(21))).toBeNaN();
  });
});

describe('decodeArg', () => {
  it('returns strings for valid UTF-8 and copies for the rest', () => {
    for (const s of [
      '',
      'a',
      'abcde',
      'abcdef',
      'x'.repeat(100),
      'é',
      'aé',
      '\uFFFD',
      'ab\uFFFDcd',
      '😀'.repeat(10),
    ]) {
      const b = Buffer.from(s, 'utf8');
      expect(decodeArg(b, 0, b.length)).toBe(s);
    }
    for (const b of [[0x80], [0xff, 0x41], [0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0xc3], [0xed, 0xa0, 0x80]]) {
      const buf = Buffer.from(b);
      const got = decodeArg(buf, 0, buf.length);
      expect(got).toEqual(buf);
      expect(got).not.toBe(buf);
    }
  });
});

// The same bytes sent to a real redis-server: its replies must be what our parser predicts.
describe('against redis-server', () => {
  let redis: RedisProcess;
  let authRedis: RedisProcess;
  beforeAll(async () => {
    [redis, authRedis] = await Promise.all([startRedis(), startRedis(['--requirepass', 'pw'])]);
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), authRedis?.stop()]);
  });

  /** Sends bytes on a fresh connection; returns everything received before close or 300 ms of silence. */
  function exchange(port: number, input: Buffer): Promise<{ reply: string; closed: boolean }> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1');
      const parts: Buffer[] = [];
      let timer: NodeJS.Timeout | undefined;
      const done = (closed: boolean) => {
        clearTimeout(timer);
        s.destroy();
        resolve({ reply: Buffer.concat(parts).toString('latin1'), closed });
      };
      const idle = () => {
        clearTimeout(timer);
        timer = setTimeout(() => done(false), 300);
      };
      s.on('error', reject);
      s.on('data', (d) => {
        parts.push(d);
        idle();
      });
      s.on('close', () => done(true));
      s.on('connect', () => {
        s.write(input);
        idle();
      });
    });
  }

  /**
   * Inputs whose complete commands are all PING: redis-server must answer +PONG for each command we
   * parse, then our error (closing the connection) or nothing more (staying open).
   */
  const inputs: (string | Buffer)[] = [
    '*1\r\n$4\r\nPING\r\n',
    'PING\r\n\r\n \r\n*0\r\n*-1\r\nPING\n',
    '*1\rX$4\r\nPINGXY',
    '*abc\r\n',
    '*\r\n',
    '*+1\r\n',
    '*01\r\n',
    '*-0\r\n',
    '*2147483647\r\n',
    '*2147483648\r\n',
    '*-2147483649\r\nPING\r\n',
    '*-9223372036854775808\r\nPING\r\n',
    '*-9223372036854775809\r\n',
    '*9223372036854775808\r\n',
    '*1\n$4\r\nPING\r\n',
    'PING\r\n*1\r\n:4\r\n',
    '*1\r\n\r\n',
    '*1\r\n\xe9\r\n',
    '*1\r\n\n\r\n',
    '*1\r\n$x\r\n',
    '*1\r\n$-1\r\n',
    '*1\r\n$01\r\n',
    '*1\r\n$536870913\r\n',
    '*1\r\n$1000000\r\n',
    '*1\r\n$4\nPING\r\n',
    '*1\0\r\n$4\r\nPING\r\n',
    '*1\r\n$4\0\r\nPING\r\n',
    'PI\0NG\r\nPING\r\n',
    'PING "a b"\r\nPING "a"b\r\n',
    "PING 'a\r\n",
    'PING "\\x41"\r\nPING "\\xZZ\r\n',
    `*${'1'.repeat(64 * 1024)}`,
    `*${'1'.repeat(64 * 1024 + 10)}`,
    `*1\r\n$${'1'.repeat(64 * 1024 + 10)}`,
    'P'.repeat(64 * 1024 + 10),
    `${'P'.repeat(64 * 1024 - 10)}\0${'P'.repeat(20)}`,
  ];

  function predicted(input: Buffer, authenticated = true): { reply: string; closed: boolean } {
    const out = parse(input, { authenticated });
    for (const argv of out.commands) expect(argv[0], 'only PING commands here').toBe('PING');
    let reply = '';
    for (const argv of out.commands)
      reply += argv.length === 1 ? '+PONG\r\n' : `$${Buffer.byteLength(String(argv[1]))}\r\n${argv[1]}\r\n`;
    if (out.error !== undefined) return { reply: `${reply}-${out.error}\r\n`, closed: true };
    return { reply, closed: false };
  }

  it('answers and closes as our parser predicts', async () => {
    const results = await Promise.all(inputs.map((i) => exchange(redis.port, bytes(i))));
    inputs.forEach((input, k) => {
      const name = JSON.stringify(String(input).slice(0, 40));
      expect(results[k], name).toEqual(predicted(bytes(input)));
    });
  });

  it('applies the unauthenticated limits as our parser predicts', async () => {
    const unauth = [
      `*10\r\n$4\r\nPING\r\n${'$1\r\na\r\n'.repeat(9)}`,
      '*11\r\n',
      '*2147483648\r\n',
      '*1\r\n$16384\r\n',
      '*1\r\n$16385\r\n',
      '*1\r\n$536870913\r\n',
    ];
    const results = await Promise.all(unauth.map((i) => exchange(authRedis.port, bytes(i))));
    expect(results[0]).toEqual({ reply: `-${Err.noAuth}\r\n`, closed: false });
    expect(parse(unauth[0], { authenticated: false }).commands).toHaveLength(1);
    unauth.slice(1).forEach((input, k) => {
      expect(results[k + 1], input).toEqual(predicted(bytes(input), false));
    });
  });

  it('random malformed input: one reply per command we parse, then our error and a close', async () => {
    // Mostly whole frames and lines, with protocol characters (rarely a NUL, which stalls a line) between.
    const piece = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom('*1\r\n', '*2\r\n', '$0\r\n', '$4\r\n', '*-1\r\n', 'PING', 'PING\r\n'),
      },
      { weight: 2, arbitrary: fc.constantFrom('*1\r\n$4\r\nPING\r\n', 'PING "a"\r\n', "PING 'b'\r\n") },
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          '*',
          '$',
          '\r',
          '\n',
          '\r\n',
          '"',
          "'",
          '\\',
          ' ',
          '-',
          '0',
          '1',
          '4',
          'x',
          '\xe9',
        ),
      },
      { weight: 1, arbitrary: fc.constant('\0') },
    );
    const inputs = fc.sample(
      fc
        .tuple(fc.array(piece, { maxLength: 24 }), fc.constantFrom('', '\r\n'))
        .map(([p, tail]) => bytes(p.join('') + tail)),
      { numRuns: 150, seed: 7 },
    );
    const results = await Promise.all(inputs.map((i) => exchange(redis.port, i)));
    inputs.forEach((input, k) => {
      const out = parse(input);
      const got = bytes(results[k].reply);
      const replies: string[] = [];
      for (let pos = 0; pos < got.length; ) {
        const len = replyLength(got, pos);
        replies.push(got.toString('latin1', pos, pos + len));
        pos += len;
      }
      const name = JSON.stringify(input.toString('latin1'));
      expect(replies.length, name).toBe(out.commands.length + (out.error === undefined ? 0 : 1));
      if (out.error !== undefined) expect(replies.at(-1), name).toBe(`-${out.error}\r\n`);
      expect(results[k].closed, name).toBe(out.error !== undefined);
    });
  });

  it('splits inline arguments as redis-server does', async () => {
    const tokens = [
      'a b  c',
      '"a b" \'c d\'',
      '"\\x41\\x4g\\q\\n\\r\\t\\b\\a\\\\\\""',
      "'it\\'s' 'a\\\\b'",
      'ab"cd" "x"',
      '"\\xc3\\xa9" \xc3\xa9',
      'a\vb \va \fc',
      'a\rb',
      '"a"\vb',
      '""',
    ];
    const script = tokens.map((t, i) => `DEL l${i}\r\nRPUSH l${i} ${t}\r\nLRANGE l${i} 0 -1\r\n`).join('');
    const { reply } = await exchange(redis.port, bytes(script));
    const expected = tokens
      .map((t, i) => {
        const argv = parse(`RPUSH l${i} ${t}\r\n`).commands[0].slice(2);
        const items = argv.map((a) => {
          const b = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
          return `$${b.length}\r\n${b.toString('latin1')}\r\n`;
        });
        return `:0\r\n:${argv.length}\r\n*${argv.length}\r\n${items.join('')}`;
      })
      .join('');
    expect(reply).toBe(expected);
  });
});
