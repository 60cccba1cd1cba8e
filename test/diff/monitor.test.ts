/**
 * Differential MONITOR tests: the same steps run against redis-server and Cachee's
 * RESP server, and the whole stream the monitoring connection receives (its own
 * replies and the monitor lines) is compared byte for byte once timestamps and
 * client ports are replaced by placeholders. The clients' replies are compared too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { Engine } from '../../src/engine/engine.js';
import { CacheeServer } from '../../src/server/server.js';
import type { Arg } from '../../src/util/bytes.js';
import { repr } from '../../src/util/repr.js';
import { RawClient } from '../server/helpers.js';
import { encodeRequest, type RedisProcess, startRedis } from './harness.js';

let redis: RedisProcess;
let engine: Engine;
let server: CacheeServer;
let cacheePort: number;

beforeAll(async () => {
  redis = await startRedis();
  engine = new Engine();
  server = new CacheeServer(engine, { port: 0 });
  cacheePort = (await server.listen()).port;
});

afterAll(async () => {
  await server?.close();
  engine?.close();
  await redis?.stop();
});

/** One step: who sends what; `replies` expected (0: do not wait), `compare` false for replies that differ by nature. */
interface Step {
  client: 'm' | 'c0' | 'c1';
  argv: Arg[];
  replies?: number;
  compare?: boolean;
}

interface Outcome {
  monitor: string;
  clients: string[];
}

const s = (client: Step['client'], ...argv: Arg[]): Step => ({ client, argv });

/** Runs the steps on one server; `resp3` makes the monitor say HELLO 3 first. */
async function runOn(port: number, steps: Step[], resp3: boolean): Promise<Outcome> {
  const admin = await RawClient.connect(port);
  await admin.request(encodeRequest(['FLUSHALL']));
  await admin.request(encodeRequest(['SCRIPT', 'FLUSH']));
  await admin.request(encodeRequest(['FUNCTION', 'FLUSH']));
  admin.close();
  const m = await RawClient.connect(port);
  const c0 = await RawClient.connect(port);
  const c1 = await RawClient.connect(port);
  const clients = { m, c0, c1 };
  const compared: string[] = [];
  try {
    if (resp3) await m.request(encodeRequest(['HELLO', '3']));
    const start = m.received.length;
    await m.request(encodeRequest(['MONITOR']));
    for (const step of steps) {
      const c = clients[step.client];
      const n = step.replies ?? 1;
      if (n === 0) {
        // No reply to wait for (a second MONITOR, a blocked BLPOP): give the server time to run it.
        await c.write(encodeRequest(step.argv));
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const replies = await c.request(encodeRequest(step.argv), n);
      if (step.client !== 'm' && step.compare !== false) compared.push(replies.join(''));
    }
    await c0.request(encodeRequest(['PING', 'end-of-test']));
    await m.until(() => m.received.includes('"end-of-test"'));
    let text = m.received.toString('latin1', start);
    text = text.replace(/\+\d+\.\d{6} \[/g, '+<ts> [');
    for (const [name, c] of Object.entries(clients)) {
      text = text.replaceAll(`127.0.0.1:${c.socket.localPort}]`, `<${name}>]`);
    }
    return { monitor: text, clients: compared };
  } finally {
    m.close();
    c0.close();
    c1.close();
  }
}

async function check(steps: Step[], resp3 = false): Promise<Outcome> {
  const expected = await runOn(redis.port, steps, resp3);
  const actual = await runOn(cacheePort, steps, resp3);
  expect(actual.monitor).toBe(expected.monitor);
  expect(actual.clients).toEqual(expected.clients);
  return actual;
}

const BINARY = Buffer.from([0, 1, 0x7f, 0x80, 0xff, 0x22, 0x5c, 0x0a, 0x0d, 0x09, 0x07, 0x08, 0x20, 0x7e]);

const BASIC: Step[] = [
  s('c0', 'SET', 'k', 'v'),
  s('c1', 'get', 'k'),
  s('c0', 'SET', 'bin', BINARY),
  s('c0', 'SET', 'quote"back\\slash', 'new\nline é ünï 日本'),
  s('c0', 'SET', 'n', '12345'),
  s('c0', 'SET', 'empty', ''),
  s('c0', 'SET', 'k', '1', 'EX', '100'),
  s('c0', 'GETEX', 'k', 'PERSIST'),
  s('c1', 'SELECT', '2'),
  s('c1', 'SET', 'in2', 'x'),
  s('c1', 'SELECT', '0'),
  s('c0', 'NOSUCHCOMMAND', 'a'),
  s('c0', 'GET'),
  s('c0', 'OBJECT', 'NOSUCH'),
  s('c0', 'AUTH', 'secret'),
  s('c0', 'AUTH', 'user', 'secret'),
  s('c0', 'AUTH', 'a', 'b', 'c'),
  { client: 'c1', argv: ['HELLO', '3', 'AUTH', 'default', 'pw'], compare: false },
  { client: 'c1', argv: ['HELLO', '2', 'SETNAME', 'x', 'AUTH', 'default', 'pw'], compare: false },
  s('c1', 'HELLO', '4', 'AUTH', 'a', 'b'),
  s('c1', 'HELLO', '3', 'AUTH', 'a'),
  s('c1', 'HELLO', '2', 'AUTH', 'default', 'pw', 'BAD'),
  s('c0', 'CONFIG', 'GET', 'maxmemory'),
  s('c0', 'CLIENT', 'KILL', 'TYPE', 'monitor'),
  s('c0', 'CLIENT', 'LIST', 'TYPE', 'monitor'),
  s('c0', 'PING'),
  s('c0', 'ECHO', 'hi'),
  s('c0', 'DEL', 'k', 'n'),
  s('c0', 'BLPOP', 'nolist', '0.01'),
];

describe('MONITOR stream', () => {
  it('shows commands with Redis escaping, db, redaction; skips rejected and admin ones', async () => {
    await check(BASIC);
  });

  it('is the same stream for a RESP3 monitor', async () => {
    await check(BASIC, true);
  });

  it('shows MULTI, then the queued commands when EXEC runs them, then EXEC', async () => {
    await check([
      s('c0', 'MULTI'),
      s('c0', 'SET', 'a', '1'),
      s('c0', 'INCR', 'a'),
      s('c0', 'SELECT', '3'),
      s('c0', 'SET', 'b', '2'),
      s('c0', 'EXEC'),
      s('c0', 'SELECT', '0'),
      s('c0', 'MULTI'),
      s('c0', 'GET'),
      s('c0', 'EXEC'),
      s('c0', 'MULTI'),
      s('c0', 'SET', 'x', 'y'),
      s('c0', 'DISCARD'),
      s('c0', 'WATCH', 'a'),
      s('c1', 'SET', 'a', 'changed'),
      s('c0', 'MULTI'),
      s('c0', 'GET', 'a'),
      s('c0', 'EXEC'),
      s('c1', 'MULTI'),
      s('c1', 'MONITOR'),
      s('c1', 'SET', 'z', '1'),
      s('c1', 'EXEC'),
      s('c1', 'EXEC'),
    ]);
  });

  it('shows EVAL / FCALL first, then the script commands as [db lua]', async () => {
    await check([
      s(
        'c0',
        'EVAL',
        "redis.call('set', KEYS[1], ARGV[1]); return redis.call('get', KEYS[1])",
        '1',
        'x',
        'v',
      ),
      s('c0', 'EVAL', "redis.call('select', 4); return redis.call('set', 'in4', '\\0\\255')", '0'),
      s('c0', 'EVAL', "return redis.call('nosuch')", '0'),
      s('c0', 'EVAL', "return redis.pcall('get')", '0'),
      s('c0', 'EVAL', 'return 1', '-1'),
      s('c0', 'EVAL', 'syntax error(', '0'),
      s('c0', 'EVALSHA', '0000000000000000000000000000000000000000', '0'),
      s('c0', 'SCRIPT', 'LOAD', "return redis.call('incr', KEYS[1])"),
      s('c0', 'EVALSHA_RO', 'ffffffffffffffffffffffffffffffffffffffff', '1', 'c'),
      s('c0', 'EVAL_RO', "return redis.call('get', KEYS[1])", '1', 'x'),
      s(
        'c0',
        'FUNCTION',
        'LOAD',
        "#!lua name=lib\nredis.register_function('f', function(keys) return redis.call('get', keys[1]) end)",
      ),
      s('c0', 'FCALL', 'f', '1', 'x'),
      s('c0', 'FCALL', 'nosuch', '0'),
      s('c0', 'MULTI'),
      s('c0', 'EVAL', "return redis.call('incr', 'c')", '0'),
      s('c0', 'EXEC'),
    ]);
  });

  it("answers the monitor's own commands, then shows them; keyspace commands are refused", async () => {
    await check([
      s('m', 'PING'),
      s('m', 'ECHO', 'me'),
      s('m', 'SET', 'k', 'v'),
      s('m', 'GET', 'k'),
      s('m', 'PUBLISH', 'ch', 'x'),
      s('m', 'EVAL', 'return 1', '0'),
      s('m', 'SPUBLISH', 'ch', 'x'),
      s('m', 'SCRIPT', 'EXISTS', 'a'),
      s('m', 'SELECT', '1'),
      s('m', 'WATCH', 'k'),
      s('m', 'UNWATCH'),
      s('m', 'CLIENT', 'REPLY', 'SKIP'),
      { client: 'm', argv: ['ECHO', 'skipped'], replies: 0 },
      s('m', 'SELECT', '0'),
      { client: 'm', argv: ['MONITOR'], replies: 0 },
      s('m', 'MULTI'),
      s('m', 'PING'),
      s('m', 'SET', 'k', 'v'),
      s('m', 'EXEC'),
      s('m', 'MULTI'),
      s('m', 'PING'),
      s('m', 'EXEC'),
      s('c0', 'SET', 'other', '1'),
      s('m', 'RESET'),
      s('c0', 'SET', 'after-reset', '1'),
      s('m', 'MONITOR'),
      s('c0', 'SET', 'monitoring-again', '1'),
    ]);
  });

  it('follows a blocked command once, when it blocks', async () => {
    await check([
      { client: 'c1', argv: ['BLPOP', 'q', '0'], replies: 0 },
      s('c0', 'LPUSH', 'q', 'x'),
      // BLPOP's reply may come before or after this is sent: only the monitor stream is compared.
      { client: 'c1', argv: ['PING'], compare: false },
    ]);
  });
});

describe('MONITOR connection state', () => {
  it('CLIENT LIST shows flags=O cmd=monitor, as Redis', async () => {
    for (const port of [redis.port, cacheePort]) {
      const m = await RawClient.connect(port);
      const c = await RawClient.connect(port);
      await m.request(encodeRequest(['MONITOR']));
      const [list] = await c.request(encodeRequest(['CLIENT', 'LIST']));
      const line = list.split('\n').find((l) => l.includes(`:${m.socket.localPort} `));
      expect(line).toMatch(/ flags=O db=0 /);
      expect(line).toMatch(/ cmd=monitor /);
      await m.request(encodeRequest(['RESET']));
      const [after] = await c.request(encodeRequest(['CLIENT', 'LIST']));
      const again = after.split('\n').find((l) => l.includes(`:${m.socket.localPort} `));
      expect(again).toMatch(/ flags=N db=0 /);
      m.close();
      c.close();
    }
  });

  it('a closed monitor is forgotten', async () => {
    const m = await RawClient.connect(cacheePort);
    await m.request(encodeRequest(['MONITOR']));
    expect(engine.monitors.size).toBe(1);
    m.close();
    const deadline = Date.now() + 2000;
    while (engine.monitors.size !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(engine.monitors.size).toBe(0);
  });

  it('in-process sessions cannot monitor, and their commands are shown as local', async () => {
    const db = new Cachee();
    expect(() => db.call('monitor')).toThrow("MONITOR isn't allowed for DENY BLOCKING client");
    const m = await RawClient.connect(cacheePort);
    await m.request(encodeRequest(['MONITOR']));
    const local = new Cachee({ engine });
    local.call('set', 'from-local', 'v');
    local.eval("return redis.call('get', KEYS[1])", 1, 'from-local');
    await m.until(() => m.received.includes('"get" "from-local"'));
    const lines = m.received.toString('latin1').replace(/\+\d+\.\d{6} /g, '+<ts> ');
    expect(lines).toBe(
      '+OK\r\n+<ts> [0 local] "set" "from-local" "v"\r\n' +
        '+<ts> [0 local] "eval" "return redis.call(\'get\', KEYS[1])" "1" "from-local"\r\n' +
        '+<ts> [0 lua] "get" "from-local"\r\n',
    );
    m.close();
  });
});

describe('repr (sdscatrepr)', () => {
  it('escapes like Redis', () => {
    expect(repr('plain text')).toBe('"plain text"');
    expect(repr('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(repr('\n\r\t\x07\x08')).toBe('"\\n\\r\\t\\a\\b"');
    expect(repr(Buffer.from([0, 0x1f, 0x7f, 0xff]))).toBe('"\\x00\\x1f\\x7f\\xff"');
    expect(repr('é')).toBe('"\\xc3\\xa9"');
  });
});
