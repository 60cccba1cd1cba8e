import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ParserLimits, ProtocolError, RequestParser } from '../../src/protocol/parser.js';
import type { Arg } from '../../src/util/bytes.js';

/** What an argument's bytes must parse back to: a string when valid UTF-8, else the bytes. */
const expectedArg = (b: Uint8Array): Arg => {
  const buf = Buffer.from(b);
  return isUtf8(buf) ? buf.toString('utf8') : buf;
};

/** Cuts bytes at the given offsets (sorted, deduplicated, clamped). */
function split(input: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(input.subarray(prev, p));
    prev = p;
  }
  out.push(input.subarray(prev));
  return out;
}

interface Run {
  commands: Arg[][];
  error?: string;
}

/**
 * Pushes the chunks, draining next() after each. Fails the property on anything thrown but a
 * ProtocolError, and on a command that consumed no bytes (the way a parser would hang).
 * Each chunk goes through one reused read buffer that is scribbled over once next() returned
 * undefined, as a server reading with net's `onread` would do: nothing may alias it.
 */
function run(chunks: Buffer[], limits?: Partial<ParserLimits>, authenticated = true): Run {
  const p = new RequestParser(limits);
  p.authenticated = authenticated;
  const commands: Arg[][] = [];
  let budget = 1;
  for (const c of chunks) budget += c.length;
  const readBuffer = Buffer.alloc(Math.max(1, ...chunks.map((c) => c.length)));
  try {
    for (const c of chunks) {
      c.copy(readBuffer);
      p.push(readBuffer.subarray(0, c.length));
      for (let argv = p.next(); argv !== undefined; argv = p.next()) {
        expect(argv.length).toBeGreaterThan(0);
        commands.push(argv);
        if (--budget < 0) throw new Error('more commands than bytes: the parser loops');
      }
      readBuffer.fill(0xaa);
    }
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    expect(e.message).toMatch(/^ERR Protocol error: /);
    return { commands, error: e.message };
  }
  return { commands };
}

const bytesOf = (s: string) => Buffer.from(s, 'latin1');

/** An argument: text (any Unicode), binary bytes, or bytes that look like protocol. */
const argArb = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.uint8Array({ maxLength: 24 }),
  fc.constantFrom('', '*', '$', '\r\n', '"', "'", '\\', '\0', '*1\r\n$4\r\nPING\r\n', 'x'.repeat(300)),
);

/** How a command goes on the wire. */
type Encoding = 'multibulk' | 'inline-hex' | 'inline-plain';

/** A command (arguments as bytes) and its encoding; inline-plain only when every argument allows it. */
const commandArb = fc
  .tuple(
    fc.array(argArb, { minLength: 1, maxLength: 6 }),
    fc.constantFrom<Encoding>('multibulk', 'inline-hex', 'inline-plain'),
  )
  .map(([args, enc]) => {
    const argv = args.map((a) => (typeof a === 'string' ? Buffer.from(a, 'utf8') : Buffer.from(a)));
    // Plain words: printable ASCII without quotes, and not starting with '*' (that would be a multibulk).
    const plainOk =
      argv[0][0] !== 42 &&
      argv.every((b) => b.length > 0 && b.every((c) => c > 32 && c !== 34 && c !== 39 && c < 127));
    return { argv, enc: enc === 'inline-plain' && !plainOk ? ('inline-hex' as const) : enc };
  });

function encode(argv: Buffer[], enc: Encoding): Buffer {
  if (enc === 'multibulk') {
    const parts: Buffer[] = [bytesOf(`*${argv.length}\r\n`)];
    for (const a of argv) parts.push(bytesOf(`$${a.length}\r\n`), a, bytesOf('\r\n'));
    return Buffer.concat(parts);
  }
  // Inline: every byte as \xHH inside double quotes (sdssplitargs decodes it), or the bytes as they are.
  const words = argv.map((a) =>
    enc === 'inline-hex'
      ? `"${[...a].map((c) => `\\x${c.toString(16).padStart(2, '0')}`).join('')}"`
      : a.toString('latin1'),
  );
  return bytesOf(`${words.join(' ')}\r\n`);
}

/** Things Redis skips between commands. */
const fillerArb = fc.constantFrom('', '', '', '\r\n', '\n', '  \t\r\n', '*0\r\n', '*-1\r\n');

describe('RequestParser properties', () => {
  it('valid commands split at random points parse back to the same argv, one per command', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fillerArb, commandArb), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (items, cuts) => {
          const input = Buffer.concat(
            items.flatMap(([filler, c]) => [bytesOf(filler), encode(c.argv, c.enc)]),
          );
          const got = run(split(input, cuts));
          expect(got.error).toBeUndefined();
          expect(got.commands).toEqual(items.map(([, c]) => c.argv.map(expectedArg)));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a byte-by-byte feed gives the same commands as one chunk', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { minLength: 1, maxLength: 4 }), (cmds) => {
        const input = Buffer.concat(cmds.map((c) => encode(c.argv, c.enc)));
        const whole = run([input]);
        const bytewise = run([...input].map((b) => Buffer.of(b)));
        expect(bytewise).toEqual(whole);
        expect(whole.commands).toHaveLength(cmds.length);
      }),
      { numRuns: 100 },
    );
  });

  /** Byte soup biased towards the protocol's own characters, with valid frames mixed in. */
  const junkArb = fc
    .array(
      fc.oneof(
        fc.constantFrom(
          '*',
          '$',
          '\r',
          '\n',
          '\r\n',
          '"',
          "'",
          '\\',
          '\\x',
          ' ',
          '\0',
          '-',
          '0',
          '1',
          '9',
          'a',
          '\xe9',
        ),
        fc.constantFrom(
          '*1\r\n',
          '*2\r\n',
          '$0\r\n',
          '$3\r\n',
          '*-1\r\n',
          '*0\r\n',
          'PING\r\n',
          '*1\r\n$4\r\nPING\r\n',
        ),
        fc.integer({ min: -3, max: 30 }).map(String),
        fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b).toString('latin1')),
      ),
      { maxLength: 40 },
    )
    .map((parts) => bytesOf(parts.join('')));

  it('malformed input throws only ProtocolError, never loops, and does not depend on chunking', () => {
    fc.assert(
      fc.property(
        junkArb,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        (input, cuts, authenticated) => {
          // Inputs stay far below the 64 KB line limit, so where the bytes are cut cannot matter.
          const whole = run([input], undefined, authenticated);
          expect(run(split(input, cuts), undefined, authenticated)).toEqual(whole);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('with tiny limits, every size check may fire: still only ProtocolError, still terminates', () => {
    const limits = { maxBulkLen: 5, maxInlineLen: 6, maxMultibulkLen: 3 };
    fc.assert(
      fc.property(
        junkArb,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        (input, cuts, authenticated) => {
          run(split(input, cuts), limits, authenticated);
          run([input], limits, authenticated);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('random bytes throw only ProtocolError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(), { maxLength: 8 }), (b, cuts) => {
        const input = Buffer.from(b);
        expect(run(split(input, cuts))).toEqual(run([input]));
      }),
      { numRuns: 1500 },
    );
  });
});
