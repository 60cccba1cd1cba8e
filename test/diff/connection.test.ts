/**
 * Differential tests for the connection and introspection commands against a
 * real redis-server, in RESP2 and RESP3: PING, ECHO, SELECT, AUTH, HELLO,
 * CLIENT, COMMAND and INFO. Where a reply holds a per-server value (client
 * ids, addresses, counters) it is compared by shape.
 */
// The command table must load before a group module is imported on its own (registry ↔ group cycle).
import '../../src/commands/registry.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandKeysReply } from '../../src/commands/introspection.js';
import { REDIS_COMMANDS } from '../../src/commands/meta/redis-commands.generated.js';
import type { RedisCommandMeta } from '../../src/commands/meta/types.js';
import { COMMAND_TABLE } from '../../src/commands/registry.js';
import { redisMeta } from '../../src/commands/table.js';
import { Engine } from '../../src/engine/engine.js';
import { ReplyError } from '../../src/errors.js';
import { encodeToBuffer } from '../../src/protocol/encoder.js';
import { CacheeServer } from '../../src/server/server.js';
import type { Arg } from '../../src/util/bytes.js';
import { DiffPair, RawConnection, type RedisProcess, replyLength, show, startRedis } from './harness.js';

let redis: RedisProcess;
let server: CacheeServer;
beforeAll(async () => {
  redis = await startRedis();
  server = new CacheeServer(new Engine(), { port: 0 });
  await server.listen();
});
afterAll(async () => {
  await redis.stop();
  await server.close();
  server.engine.close();
});

/** A decoded RESP value (maps as [k, v] pair lists, sets and pushes as arrays), with its type byte. */
type Decoded = { t: string; v: unknown };

function decode(buf: Buffer, pos = 0): [Decoded, number] {
  const t = String.fromCharCode(buf[pos]);
  const eol = buf.indexOf('\r\n', pos);
  const line = buf.toString('latin1', pos + 1, eol);
  let p = eol + 2;
  switch (t) {
    case '$':
    case '=': {
      const n = Number(line);
      if (n < 0) return [{ t, v: null }, p];
      return [{ t, v: buf.toString('latin1', p, p + n) }, p + n + 2];
    }
    case '*':
    case '~':
    case '%': {
      const n = Number(line) * (t === '%' ? 2 : 1);
      const items: Decoded[] = [];
      for (let i = 0; i < Math.max(0, n); i++) {
        const [d, np] = decode(buf, p);
        items.push(d);
        p = np;
      }
      return [{ t, v: items }, p];
    }
    default:
      return [{ t, v: line }, p];
  }
}

/** Plain JS form: maps and flat RESP2 arrays both become arrays of plain values. */
function plain(d: Decoded): unknown {
  return Array.isArray(d.v) ? (d.v as Decoded[]).map(plain) : d.v;
}

/** Replaces a HELLO reply's connection id, which differs between servers. */
function normalizeHello(b: Buffer): string {
  return b.toString('latin1').replace(/(\$2\r\nid\r\n):\d+\r\n/, '$1:ID\r\n');
}

for (const [protocol, via] of [
  [2, 'in-process'],
  [3, 'in-process'],
  [2, 'tcp'],
  [3, 'tcp'],
] as const) {
  describe(`connection commands (RESP${protocol}, ${via})`, () => {
    let pair: DiffPair;
    beforeAll(async () => {
      pair = await DiffPair.open(redis.port, protocol, via === 'tcp' ? server.port : undefined);
    });
    afterAll(async () => {
      await pair.close();
    });

    it('PING and ECHO', async () => {
      await pair.checkAll([
        ['PING'],
        ['ping', 'hello'],
        ['PING', ''],
        ['PING', 'a', 'b'],
        ['ECHO', 'hello world'],
        ['ECHO', ''],
        ['ECHO', Buffer.from([0xff, 0x00, 0x80])],
        ['echo'],
        ['ECHO', 'a', 'b'],
      ]);
    });

    it('SELECT', async () => {
      await pair.checkAll([
        ['SELECT', '1'],
        ['SET', 'sel', 'in-1'],
        ['SELECT', '0'],
        ['GET', 'sel'],
        ['SELECT', '1'],
        ['GET', 'sel'],
        ['SELECT', '15'],
        ['SELECT', '16'],
        ['SELECT', '-1'],
        ['SELECT', 'abc'],
        ['SELECT', '1.5'],
        ['SELECT', ' 1'],
        ['SELECT', '01'],
        ['SELECT', '2147483648'],
        ['SELECT', '-2147483649'],
        ['SELECT', '99999999999999999999'],
        ['SELECT'],
        ['SELECT', '1', '2'],
        ['SELECT', '0'],
      ]);
    });

    it('AUTH without a configured password', async () => {
      await pair.checkAll([
        ['AUTH', 'x'],
        ['AUTH', 'default', 'anything'],
        ['AUTH', 'other', 'x'],
        ['AUTH', 'Default', 'x'],
        ['AUTH', 'a', 'b', 'c'],
        ['AUTH'],
      ]);
    });

    it('HELLO', async () => {
      for (const argv of [
        ['HELLO'],
        ['HELLO', String(protocol)],
        ['HELLO', String(protocol), 'SETNAME', 'hello-client'],
        ['HELLO', String(protocol), 'AUTH', 'default', 'pw'],
        ['HELLO', String(protocol), 'auth', 'default', 'pw', 'setname', 'n2'],
      ]) {
        const { redis: r, cachee: c } = await pair.both(argv);
        expect(normalizeHello(c), argv.join(' ')).toBe(normalizeHello(r));
      }
      await pair.checkAll([
        ['CLIENT', 'GETNAME'],
        ['HELLO', '4'],
        ['HELLO', '1'],
        ['HELLO', '0'],
        ['HELLO', '-3'],
        ['HELLO', 'abc'],
        ['HELLO', '3.0'],
        ['HELLO', '99999999999999999999'],
        ['HELLO', String(protocol), 'foo'],
        ['HELLO', String(protocol), 'AUTH', 'default'],
        ['HELLO', String(protocol), 'AUTH'],
        ['HELLO', String(protocol), 'SETNAME'],
        ['HELLO', String(protocol), 'SETNAME', 'a b'],
        ['HELLO', String(protocol), 'AUTH', 'other', 'x'],
        ['HELLO', String(protocol), 'AUTH', 'other', 'x', 'SETNAME', 'zz'],
        ['HELLO', String(protocol), 'SETNAME', 'kept', 'bogus'],
        ['CLIENT', 'GETNAME'],
        ['HELLO', String(protocol), 'SETNAME', 'x\ny'],
      ]);
      // Switching protocol: both answer in the new one, then switch back.
      const other = protocol === 2 ? '3' : '2';
      for (const v of [other, String(protocol)]) {
        const { redis: r, cachee: c } = await pair.both(['HELLO', v]);
        expect(normalizeHello(c)).toBe(normalizeHello(r));
        await pair.checkAll([['PING'], ['CLIENT', 'GETNAME'], ['GET', 'nosuchkey']]);
      }
    });

    it('CLIENT SETNAME, GETNAME, ID, INFO, and errors', async () => {
      await pair.checkAll([
        ['CLIENT', 'SETNAME', 'my-name'],
        ['CLIENT', 'GETNAME'],
        ['CLIENT', 'SETNAME', 'has space'],
        ['CLIENT', 'SETNAME', 'tab\there'],
        ['CLIENT', 'SETNAME', 'é'],
        ['CLIENT', 'SETNAME', Buffer.from([0x7f])],
        ['CLIENT', 'SETNAME', '~!@#$%^&*()'],
        ['CLIENT', 'GETNAME'],
        ['CLIENT', 'SETNAME', ''],
        ['CLIENT', 'GETNAME'],
        ['CLIENT', 'SETNAME'],
        ['CLIENT', 'SETNAME', 'a', 'b'],
        ['CLIENT', 'GETNAME', 'x'],
        ['CLIENT', 'ID', 'x'],
        ['CLIENT', 'INFO', 'x'],
        ['CLIENT'],
        ['CLIENT', 'FOO'],
        ['CLIENT', 'SETINFO', 'LIB-NAME', 'ioredis'],
        ['CLIENT', 'SETINFO', 'LIB-VER', '5.11.1'],
        ['client', 'no-evict', 'on'],
        ['client', 'no-evict', 'OFF'],
        ['client', 'no-evict', 'maybe'],
        ['client', 'no-evict'],
        ['CLIENT', 'REPLY', 'maybe'],
        ['CLIENT', 'REPLY', 'on'],
        ['CLIENT', 'REPLY'],
      ]);
      await pair.check(['CLIENT', 'ID'], 'type');
      await pair.check(['CLIENT', 'INFO'], 'type');
    });

    it('CLIENT LIST and CLIENT KILL errors and filters', async () => {
      await pair.checkAll([
        ['CLIENT', 'LIST', 'x'],
        ['CLIENT', 'LIST', 'TYPE', 'foo'],
        ['CLIENT', 'LIST', 'TYPE', 'pubsub'],
        ['CLIENT', 'LIST', 'TYPE', 'master'],
        ['CLIENT', 'LIST', 'TYPE', 'replica'],
        ['CLIENT', 'LIST', 'TYPE', 'slave'],
        ['CLIENT', 'LIST', 'ID', 'x'],
        ['CLIENT', 'LIST', 'ID', '99999', '99998'],
        ['CLIENT', 'LIST', 'ID'],
        ['CLIENT', 'LIST', 'foo', 'bar'],
        ['CLIENT', 'LIST', 'TYPE', 'normal', 'x'],
        ['CLIENT', 'KILL'],
        ['CLIENT', 'KILL', '1.2.3.4:5'],
        ['CLIENT', 'KILL', 'ID'],
        ['CLIENT', 'KILL', 'ID', 'x'],
        ['CLIENT', 'KILL', 'ID', '0'],
        ['CLIENT', 'KILL', 'ID', '-1'],
        ['CLIENT', 'KILL', 'ID', '99999'],
        ['CLIENT', 'KILL', 'TYPE', 'foo'],
        ['CLIENT', 'KILL', 'TYPE', 'pubsub'],
        ['CLIENT', 'KILL', 'SKIPME', 'maybe'],
        ['CLIENT', 'KILL', 'ADDR', '1.2.3.4:5'],
        ['CLIENT', 'KILL', 'LADDR', 'x', 'ID', '5'],
        ['CLIENT', 'KILL', 'USER', 'nobody'],
        ['CLIENT', 'KILL', 'USER', 'default', 'ID', '99999'],
        ['CLIENT', 'KILL', 'MAXAGE', '5'],
        ['CLIENT', 'KILL', 'ID', '5', 'TYPE'],
      ]);
      for (const argv of [
        ['CLIENT', 'LIST'],
        ['CLIENT', 'LIST', 'TYPE', 'normal'],
        ['CLIENT', 'INFO'],
      ]) {
        const { redis: r, cachee: c } = await pair.both(argv);
        const fields = (b: Buffer) =>
          String(plain(decode(b)[0]))
            .replace(/^txt:/, '')
            .trim()
            .split(' ')
            .map((f) => f.split('=')[0]);
        expect(c[0]).toBe(r[0]);
        expect(fields(c)).toEqual(fields(r));
      }
    });

    it('COMMAND INFO is byte-identical for every command Cachee implements', async () => {
      const names: string[] = [];
      for (const cmd of COMMAND_TABLE.values()) {
        if (cmd.subcommands) for (const sub of cmd.subcommands.values()) names.push(sub.fullName);
        else names.push(cmd.name);
      }
      for (const name of names) await pair.check(['COMMAND', 'INFO', name]);
      await pair.checkAll([
        ['COMMAND', 'INFO', 'get', 'set', 'nosuch', 'GETRANGE', 'Client|Id'],
        ['COMMAND', 'INFO', 'nosuch'],
        ['COMMAND', 'INFO', 'client|nosuch'],
        ['COMMAND', 'INFO', 'get|x'],
        ['command', 'info', 'ping', 'echo', 'hello', 'auth', 'select', 'quit'],
      ]);
    });

    it('COMMAND COUNT is the table size; COMMAND and COMMAND INFO list the table', async () => {
      const { redis: r, cachee: c } = await pair.both(['COMMAND', 'COUNT']);
      expect(r.toString()).toMatch(/^:\d+\r\n$/);
      expect(c.toString()).toBe(`:${COMMAND_TABLE.size}\r\n`);
      for (const argv of [['COMMAND'], ['COMMAND', 'INFO']]) {
        const { cachee } = await pair.both(argv);
        const [d] = decode(cachee);
        const entries = d.v as Decoded[];
        expect(entries).toHaveLength(COMMAND_TABLE.size);
        expect(entries.map((e) => (e.v as Decoded[])[0].v)).toEqual([...COMMAND_TABLE.keys()]);
      }
    });

    it('COMMAND LIST filters like Redis (over the commands both have)', async () => {
      const ours = new Set<string>();
      for (const cmd of COMMAND_TABLE.values()) {
        ours.add(cmd.fullName);
        if (cmd.subcommands) for (const sub of cmd.subcommands.values()) ours.add(sub.fullName);
      }
      for (const argv of [
        ['COMMAND', 'LIST'],
        ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'c*'],
        ['COMMAND', 'LIST', 'FILTERBY', 'pattern', 'CLIENT|*'],
        ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', '*e?'],
        ['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'connection'],
        ['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'STRING'],
        ['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', '@string'],
        ['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'nosuch'],
        ['COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x'],
      ]) {
        const { redis: r, cachee: c } = await pair.both(argv);
        const theirs = (plain(decode(r)[0]) as string[]).filter((n) => ours.has(n)).sort();
        const mine = (plain(decode(c)[0]) as string[]).sort();
        expect(mine, argv.join(' ')).toEqual(theirs);
      }
      await pair.checkAll([
        ['COMMAND', 'LIST', 'FILTERBY', 'foo', 'x'],
        ['COMMAND', 'LIST', 'foo'],
        ['COMMAND', 'LIST', 'FILTERBY'],
        ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN'],
        ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'a', 'b'],
        ['COMMAND', 'FOO'],
        ['COMMAND', 'HELP'],
        ['COMMAND', 'COUNT', 'x'],
        ['COMMAND', 'HELP', 'x'],
      ]);
    });

    it('COMMAND DOCS has Redis shape, since and group', async () => {
      const { redis: r, cachee: c } = await pair.both([
        'COMMAND',
        'DOCS',
        'get',
        'client',
        'nosuch',
        'client|id',
      ]);
      expect(c[0]).toBe(r[0]);
      const toMap = (d: Decoded) => {
        const items = d.v as Decoded[];
        const m = new Map<string, Decoded>();
        for (let i = 0; i < items.length; i += 2) m.set(String(items[i].v), items[i + 1]);
        return m;
      };
      const theirs = toMap(decode(r)[0]);
      const mine = toMap(decode(c)[0]);
      expect([...mine.keys()]).toEqual([...theirs.keys()]);
      for (const [name, doc] of mine) {
        const t = toMap(theirs.get(name)!);
        const m = toMap(doc);
        expect(m.get('since')?.v, name).toEqual(t.get('since')?.v);
        expect(m.get('group')?.v, name).toEqual(t.get('group')?.v);
        expect(doc.t).toBe(theirs.get(name)!.t);
        for (const k of m.keys()) expect(t.has(k), `${name}.${k}`).toBe(true);
      }
      await pair.checkAll([['COMMAND', 'DOCS', 'nosuch']]);
    });

    it('COMMAND GETKEYS / GETKEYSANDFLAGS', async () => {
      await pair.checkAll([
        ['COMMAND', 'GETKEYS', 'GET', 'k'],
        ['COMMAND', 'GETKEYS', 'set', 'a', 'b'],
        ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b'],
        ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b', 'GET'],
        ['COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2'],
        ['COMMAND', 'GETKEYSANDFLAGS', 'MSET', 'a', '1', 'b', '2'],
        ['COMMAND', 'GETKEYS', 'del', 'a', 'b', 'c'],
        ['COMMAND', 'GETKEYS', 'OBJECT', 'ENCODING', 'k'],
        ['COMMAND', 'GETKEYS', 'OBJECT', 'nosuch', 'k'],
        ['COMMAND', 'GETKEYS', 'OBJECT'],
        ['COMMAND', 'GETKEYS', 'GET'],
        ['COMMAND', 'GETKEYS', 'GET', 'a', 'b'],
        ['COMMAND', 'GETKEYS', 'nosuch', 'a'],
        ['COMMAND', 'GETKEYS', 'PING', 'x'],
        ['COMMAND', 'GETKEYS'],
        ['COMMAND', 'GETKEYS', 'MSET', 'a'],
        ['COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b'],
        ['COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD', 'k', 'GET', 'u8', '0'],
        ['COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD', 'k', 'SET', 'u8', '0', '1'],
        ['COMMAND', 'GETKEYSANDFLAGS', 'bitop', 'and', 'd', 's1', 's2'],
        ['COMMAND', 'GETKEYSANDFLAGS', 'copy', 'a', 'b'],
        ['COMMAND', 'GETKEYSANDFLAGS', 'rename', 'a', 'b'],
        ['COMMAND', 'GETKEYSANDFLAGS', 'lcs', 'a', 'b'],
      ]);
    });

    it('INFO sections', async () => {
      await pair.checkAll([
        ['FLUSHALL'],
        ['SET', 'a', '1'],
        ['SET', 'b', '2'],
        ['SELECT', '3'],
        ['SET', 'c', '3'],
      ]);
      await pair.checkAll([
        ['INFO', 'keyspace'],
        ['INFO', 'KEYSPACE', 'keyspace'],
        ['INFO', 'foo'],
        ['INFO', 'cluster'],
        ['INFO', 'modules'],
        ['INFO', 'keyspace', 'foo', 'cluster'],
        ['INFO', 'a', 'b', 'c'],
      ]);
      await pair.check(['SELECT', '0']);
      const headers = (b: Buffer) => String(plain(decode(b)[0])).match(/^# .*$/gm) ?? [];
      for (const argv of [
        ['INFO'],
        ['INFO', 'default'],
        ['INFO', 'server'],
        ['INFO', 'Clients', 'MEMORY'],
        ['INFO', 'keyspace', 'server'],
        ['INFO', 'stats', 'persistence', 'replication', 'cpu', 'errorstats'],
        ['INFO', 'everything'],
        ['INFO', 'all'],
      ]) {
        const { redis: r, cachee: c } = await pair.both(argv);
        expect(c[0], argv.join(' ')).toBe(r[0]);
        expect(headers(c), argv.join(' ')).toEqual(headers(r));
        // Every field we report, Redis reports too (cachee_version aside), in the same order.
        const fieldNames = (b: Buffer) =>
          (String(plain(decode(b)[0])).match(/^[a-z_0-9]+(?=:)/gm) ?? []).filter(
            (f) =>
              !f.startsWith('errorstat_') &&
              !f.startsWith('db') &&
              !f.startsWith('cmdstat_') &&
              !f.startsWith('latency_percentiles_usec_'),
          );
        const mine = fieldNames(c).filter((f) => f !== 'cachee_version');
        const redisFields = fieldNames(r);
        const positions = mine.map((f) => redisFields.indexOf(f));
        expect(
          positions.filter((p) => p < 0).map((_, i) => mine[i]),
          'fields Redis lacks',
        ).toEqual([]);
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      }
    });
  });
}

/** Sample command lines for a command: its name plus filler args, at a few lengths. */
function samples(meta: RedisCommandMeta): Arg[][] {
  const parts = meta.name.split('|');
  const base = Math.abs(meta.arity);
  const out: Arg[][] = [];
  for (let extra = 0; extra <= 4; extra++) {
    const n = base + extra - parts.length;
    if (n < 0) continue;
    if (meta.arity > 0 && extra > 0) break;
    out.push([...parts, ...Array.from({ length: n }, (_, i) => `k${i}`)]);
  }
  return out;
}

const CRAFTED: Arg[][] = [
  ['zunionstore', 'dst', '2', 'a', 'b'],
  ['zunionstore', 'dst', '2', 'a', 'b', 'WEIGHTS', '1', '2'],
  ['zunionstore', 'dst', '02', 'a', 'b'],
  ['zunionstore', 'dst', '3', 'a', 'b'],
  ['zunionstore', 'dst', '0', 'a'],
  ['zinter', '2', 'a', 'b'],
  ['zinter', '+2', 'a', 'b'],
  ['zdiff', '1', 'a', 'WITHSCORES'],
  ['eval', 'return 1', '0'],
  ['eval', 'return 1', '2', 'k1', 'k2', 'a1'],
  ['eval', 'return 1', '3', 'k1', 'k2'],
  ['eval', 'return 1', '-1', 'k1'],
  ['evalsha_ro', 'abc', '1', 'k1'],
  ['fcall', 'f', '1', 'k', 'a'],
  ['lmpop', '2', 'a', 'b', 'LEFT'],
  ['blmpop', '0', '2', 'a', 'b', 'LEFT', 'COUNT', '2'],
  ['bzmpop', '1.5', '1', 'a', 'MIN'],
  ['zmpop', '1', 'a', 'MAX'],
  ['sintercard', '2', 'a', 'b', 'LIMIT', '1'],
  ['zintercard', '2', 'a', 'b'],
  ['xread', 'STREAMS', 'a', 'b', '0', '0'],
  ['xread', 'COUNT', '2', 'BLOCK', '0', 'STREAMS', 'a', '0'],
  ['xread', 'STREAMS', 'a', 'b', '0'],
  ['xreadgroup', 'GROUP', 'g', 'c', 'STREAMS', 'a', '>'],
  ['xreadgroup', 'GROUP', 'g', 'c', 'NOACK', 'STREAMS', 'a', 'b', '>', '>'],
  ['sort', 'k'],
  ['sort', 'k', 'STORE', 'dst'],
  ['sort', 'k', 'BY', 'w_*', 'GET', '#', 'LIMIT', '0', '5', 'STORE', 'dst'],
  ['sort', 'k', 'STORE', 'a', 'STORE', 'b'],
  ['sort', 'k', 'STORE'],
  ['sort', 'k', 'GET', 'STORE', 'x'],
  ['sort_ro', 'k', 'BY', 'w'],
  ['migrate', 'h', '6379', 'k', '0', '5000'],
  ['migrate', 'h', '6379', '', '0', '5000', 'KEYS', 'a', 'b'],
  ['migrate', 'h', '6379', 'k', '0', '5000', 'KEYS', 'a', 'b'],
  ['migrate', 'h', '6379', '', '0', '5000', 'COPY', 'REPLACE', 'AUTH', 'pw', 'KEYS', 'a'],
  ['migrate', 'h', '6379', '', '0', '5000', 'AUTH2', 'u', 'KEYS', 'KEYS', 'a'],
  ['georadius', 'k', '0', '0', '1', 'km'],
  ['georadius', 'k', '0', '0', '1', 'km', 'STORE', 'd'],
  ['georadius', 'k', '0', '0', '1', 'km', 'STOREDIST', 'd', 'STORE', 'e'],
  ['georadius', 'k', '0', '0', '1', 'km', 'STORE'],
  ['georadiusbymember', 'k', 'm', '1', 'km', 'STORE', 'd'],
  ['set', 'k', 'v', 'get'],
  ['set', 'k', 'v', 'EX', '10', 'GET'],
  ['set', 'k', 'v', 'GETX'],
  ['bitfield', 'k'],
  ['bitfield', 'k', 'GET', 'u8', '0', 'GET', 'i4', '4'],
  ['bitfield', 'k', 'OVERFLOW', 'WRAP', 'GET', 'u8', '0'],
  ['bitfield', 'k', 'GET', 'u8', '0', 'INCRBY', 'u8', '0', '1'],
  ['bitfield', 'k', 'GET', 'u8'],
  ['bitfield_ro', 'k', 'GET', 'u8', '0'],
  ['lmove', 'a', 'b', 'LEFT', 'RIGHT'],
  ['smove', 'a', 'b', 'm'],
  ['mset', 'a', '1', 'b'],
  ['msetnx', 'a', '1', 'b', '2'],
  ['pfmerge', 'd', 's1', 's2'],
  ['object', 'encoding', 'k'],
  ['memory', 'usage', 'k'],
  ['xgroup', 'create', 'k', 'g', '$'],
  ['spublish', 'ch', 'msg'],
  ['publish', 'ch', 'msg'],
  ['watch', 'a', 'b'],
  ['georadius_ro', 'k', '0', '0', '1', 'km', 'STORE', 'd'],
  ['restore', 'k', '0', 'payload'],
  ['lcs', 'a', 'b', 'LEN'],
];

function metaFor(argv: readonly Arg[]): RedisCommandMeta | undefined {
  const name = String(argv[0]).toLowerCase();
  const base = redisMeta(name);
  if (base && base.subcommands.length > 0 && argv.length > 1)
    return redisMeta(`${name}|${String(argv[1]).toLowerCase()}`);
  return base;
}

describe("COMMAND GETKEYS(ANDFLAGS) key extraction matches Redis's for every Redis command", () => {
  it('matches on generic and crafted command lines', async () => {
    const conn = await RawConnection.connect(redis.port);
    const lines: Arg[][] = [...CRAFTED];
    const walk = (list: readonly RedisCommandMeta[]) => {
      for (const m of list) {
        if (m.subcommands.length > 0) walk(m.subcommands);
        else lines.push(...samples(m));
      }
    };
    walk(REDIS_COMMANDS);
    let compared = 0;
    try {
      for (const line of lines) {
        if (line.length < 2) continue; // COMMAND GETKEYS needs the command and at least one argument
        const meta = metaFor(line);
        expect(meta, String(line[0])).toBeDefined();
        for (const sub of ['GETKEYS', 'GETKEYSANDFLAGS']) {
          const theirs = await conn.send(['COMMAND', sub, ...line]);
          let reply: Parameters<typeof encodeToBuffer>[0];
          try {
            reply = commandKeysReply(meta!, line, sub === 'GETKEYSANDFLAGS');
          } catch (e) {
            if (!(e instanceof ReplyError)) throw e;
            reply = e;
          }
          const mine = encodeToBuffer(reply, 2);
          if (!mine.equals(theirs)) {
            throw new Error(
              `COMMAND ${sub} ${line.join(' ')}\n  redis:  ${show(theirs)}\n  cachee: ${show(mine)}`,
            );
          }
          compared++;
        }
      }
    } finally {
      await conn.close();
    }
    expect(compared).toBeGreaterThan(500);
    expect(replyLength(Buffer.from('+OK\r\n'))).toBe(5);
  });
});
