/**
 * MULTI / EXEC / DISCARD / WATCH / UNWATCH through dispatch: queueing, the
 * errors that doom a transaction, and every way a WATCHed key is invalidated
 * (another session, an in-process Cachee call, expiry, FLUSHDB/FLUSHALL,
 * SWAPDB, RENAME, DEL), with time moved by a ManualClock.
 */
// The command table must load before a group module is imported on its own (registry ↔ group cycle).
import '../../src/commands/registry.js';
import { describe, expect, it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { clientInfoString } from '../../src/commands/connection.js';
import { dispatch } from '../../src/commands/dispatch.js';
import { Session } from '../../src/commands/session.js';
import { discardTransaction } from '../../src/commands/transactions.js';
import type { Handler } from '../../src/commands/types.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { watchedKeyCount } from '../../src/engine/watch.js';
import { ReplyError } from '../../src/errors.js';
import { NIL_ARRAY, QUEUED, type Reply, StatusReply, VerbatimReply } from '../../src/protocol/reply.js';
import type { Arg } from '../../src/util/bytes.js';

function setup(requirepass: string | null = null) {
  const clock = new ManualClock(1_000_000);
  const engine = new Engine({ clock, activeExpiry: false });
  const open = () => new Session(engine, { requirepass }, 'tcp');
  return { clock, engine, a: open(), b: open(), open };
}

/** Runs a command; status replies become their text, errors their message prefixed with '-'. */
function run(s: Session, ...argv: Arg[]): unknown {
  return plain(dispatch(s, argv));
}

function plain(r: Reply): unknown {
  if (r instanceof StatusReply || r instanceof VerbatimReply) return r.text;
  if (r instanceof ReplyError) return `-${r.message}`;
  if (r === NIL_ARRAY) return 'NIL_ARRAY';
  if (Array.isArray(r)) return r.map(plain);
  return r;
}

/** WATCH key, then `touch`, then MULTI PING EXEC: true when EXEC ran. */
function survives(s: Session, key: string, touch: () => void): boolean {
  expect(run(s, 'WATCH', key)).toBe('OK');
  touch();
  run(s, 'MULTI');
  run(s, 'PING');
  const r = run(s, 'EXEC');
  expect(r === 'NIL_ARRAY' || Array.isArray(r)).toBe(true);
  return r !== 'NIL_ARRAY';
}

describe('MULTI / EXEC / DISCARD', () => {
  it('queues commands and runs them at EXEC, runtime errors in place', () => {
    const { a, b } = setup();
    expect(run(a, 'MULTI')).toBe('OK');
    expect(dispatch(a, ['SET', 'k', 'x'])).toBe(QUEUED);
    expect(run(a, 'INCR', 'k')).toBe('QUEUED');
    expect(run(a, 'LPUSH', 'k', '1')).toBe('QUEUED');
    expect(run(a, 'GET', 'k')).toBe('QUEUED');
    // Nothing ran yet.
    expect(run(b, 'GET', 'k')).toBeNull();
    expect(run(a, 'EXEC')).toEqual([
      'OK',
      '-ERR value is not an integer or out of range',
      '-WRONGTYPE Operation against a key holding the wrong kind of value',
      'x',
    ]);
    expect(a.multi).toBeNull();
    expect(run(a, 'MULTI')).toBe('OK');
    expect(run(a, 'EXEC')).toEqual([]);
  });

  it('SELECT inside a transaction applies to the commands after it', () => {
    const { a } = setup();
    run(a, 'MULTI');
    run(a, 'SET', 'k', '0');
    run(a, 'SELECT', '2');
    run(a, 'SET', 'k', '2');
    expect(run(a, 'EXEC')).toEqual(['OK', 'OK', 'OK']);
    expect(a.dbIndex).toBe(2);
    expect(run(a, 'GET', 'k')).toBe('2');
  });

  it('replies with Redis texts to misplaced controls', () => {
    const { a } = setup();
    expect(run(a, 'EXEC')).toBe('-ERR EXEC without MULTI');
    expect(run(a, 'DISCARD')).toBe('-ERR DISCARD without MULTI');
    expect(run(a, 'MULTI')).toBe('OK');
    expect(run(a, 'multi')).toBe('-ERR MULTI calls can not be nested');
    expect(run(a, 'WATCH', 'x')).toBe('-ERR WATCH inside MULTI is not allowed');
    // Neither dooms the transaction.
    expect(run(a, 'SET', 'a', '1')).toBe('QUEUED');
    expect(run(a, 'EXEC')).toEqual(['OK']);
    expect(run(a, 'MULTI')).toBe('OK');
    expect(run(a, 'SET', 'a', '2')).toBe('QUEUED');
    expect(run(a, 'DISCARD')).toBe('OK');
    expect(run(a, 'GET', 'a')).toBe('1');
    expect(run(a, 'DISCARD')).toBe('-ERR DISCARD without MULTI');
  });

  it('a command refused while queueing dooms the transaction (EXECABORT)', () => {
    const { a } = setup();
    for (const bad of [['NOSUCH', 'x'], ['GET'], ['UNWATCH', 'x'], ['MULTI', 'x']]) {
      run(a, 'MULTI');
      expect(run(a, 'SET', 'a', '1')).toBe('QUEUED');
      expect(run(a, ...bad)).toMatch(/^-ERR /);
      // Commands after the error are still answered QUEUED but never kept.
      expect(run(a, 'SET', 'b', '1')).toBe('QUEUED');
      expect(a.multi!.commands.length).toBe(1);
      expect(run(a, 'EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.');
      expect(a.multi).toBeNull();
      expect(run(a, 'EXISTS', 'a', 'b')).toBe(0);
    }
  });

  it('EXEC itself refused aborts with the reason, in or out of MULTI, and unwatches', () => {
    const { a, b } = setup();
    run(a, 'MULTI');
    run(a, 'SET', 'a', '1');
    expect(run(a, 'EXEC', 'x')).toBe(
      "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command",
    );
    expect(a.multi).toBeNull();
    expect(run(a, 'EXEC')).toBe('-ERR EXEC without MULTI');
    run(a, 'WATCH', 'w');
    expect(run(a, 'exec', 'x')).toBe(
      "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command",
    );
    run(b, 'SET', 'w', '1');
    expect(survives(a, 'other', () => {})).toBe(true);
    expect(run(a, 'DISCARD', 'x')).toBe("-ERR wrong number of arguments for 'discard' command");
  });

  it('EXEC before AUTH aborts with NOAUTH as the reason', () => {
    const { a } = setup('secret');
    expect(run(a, 'EXEC')).toBe(
      '-EXECABORT Transaction discarded because of: NOAUTH Authentication required.',
    );
    expect(run(a, 'MULTI')).toBe('-NOAUTH Authentication required.');
    expect(run(a, 'AUTH', 'secret')).toBe('OK');
    expect(run(a, 'MULTI')).toBe('OK');
    expect(run(a, 'AUTH', 'secret')).toBe('QUEUED');
    expect(run(a, 'EXEC')).toEqual(['OK']);
  });

  it('refuses no_multi commands inside MULTI with Redis text', async () => {
    const { COMMAND_TABLE } = await import('../../src/commands/registry.js');
    const { prepare } = await import('../../src/commands/dispatch.js');
    const { a } = setup();
    // SAVE, SHUTDOWN, SYNC and PSYNC carry no_multi in Redis 7.0; use any the table has,
    // else a PING flagged no_multi for the gate.
    const ping = COMMAND_TABLE.get('ping')!;
    const flagged = { ...ping, flags: new Set([...ping.flags, 'no_multi']) };
    COMMAND_TABLE.set('ping', flagged);
    try {
      expect(prepare(a, ['PING'])).toBe(flagged);
      run(a, 'MULTI');
      expect(run(a, 'PING')).toBe('-ERR Command not allowed inside a transaction');
      expect(run(a, 'EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.');
    } finally {
      COMMAND_TABLE.set('ping', ping);
    }
  });

  it('shows MULTI in CLIENT LIST: flags x and d, multi=, multi-mem=, cmd=exec while it runs', () => {
    const { a, b } = setup();
    run(a, 'MULTI');
    run(a, 'CLIENT', 'INFO');
    run(a, 'PING');
    expect(clientInfoString(a)).toMatch(/ flags=x .* multi=2 .* multi-mem=38 .* cmd=ping /);
    const [info] = run(a, 'EXEC') as string[];
    expect(info).toMatch(/ flags=x .* multi=2 .* multi-mem=38 .* cmd=exec /);
    expect(clientInfoString(a)).toMatch(/ flags=N .* multi=-1 .* multi-mem=0 .* cmd=exec /);
    run(a, 'WATCH', 'k');
    run(b, 'SET', 'k', '1');
    expect(clientInfoString(a)).toMatch(/ flags=d /);
    run(a, 'MULTI');
    expect(clientInfoString(a)).toMatch(/ flags=xd .* multi=0 /);
    expect(run(a, 'EXEC')).toBe('NIL_ARRAY');
    expect(clientInfoString(a)).toMatch(/ flags=N /);
  });

  it('signals key modifications per queued command, when EXEC runs them', () => {
    const { a, engine } = setup();
    const seen: string[] = [];
    const off = engine.onKeyModified((_db, key) => seen.push(key));
    run(a, 'MULTI');
    run(a, 'SET', 'x', '1');
    run(a, 'SET', 'y', '1');
    expect(seen).toEqual([]);
    run(a, 'EXEC');
    expect(seen).toEqual(['x', 'y']);
    off();
  });

  it('denies blocking while EXEC runs its commands (CLIENT_DENY_BLOCKING), then restores it', async () => {
    const { COMMAND_TABLE } = await import('../../src/commands/registry.js');
    const { a } = setup();
    const echo = COMMAND_TABLE.get('echo')!;
    const seen: boolean[] = [];
    const handler: Handler = (s, argv) => {
      seen.push(s.denyBlocking);
      return argv[1];
    };
    COMMAND_TABLE.set('echo', { ...echo, handler });
    try {
      expect(a.denyBlocking).toBe(false);
      run(a, 'ECHO', 'x');
      run(a, 'MULTI');
      run(a, 'ECHO', 'y');
      expect(run(a, 'EXEC')).toEqual(['y']);
      expect(seen).toEqual([false, true]);
      expect(a.denyBlocking).toBe(false);
    } finally {
      COMMAND_TABLE.set('echo', echo);
    }
  });
});

describe('WATCH', () => {
  it('EXEC runs when nothing watched changed, and only once per WATCH', () => {
    const { a, b } = setup();
    run(a, 'SET', 'x', '1');
    expect(survives(a, 'x', () => run(b, 'GET', 'x'))).toBe(true);
    // After EXEC the key is no longer watched.
    run(b, 'SET', 'x', '2');
    expect(survives(a, 'y', () => {})).toBe(true);
  });

  it('fails EXEC (nil array) when another session writes the key', () => {
    const { a, b } = setup();
    run(a, 'SET', 'x', '1');
    expect(survives(a, 'x', () => run(b, 'SET', 'x', '2'))).toBe(false);
    expect(survives(a, 'x', () => run(b, 'INCR', 'x'))).toBe(false);
    expect(survives(a, 'x', () => run(b, 'APPEND', 'x', 'z'))).toBe(false);
    // Even the watching client's own write counts.
    expect(survives(a, 'x', () => run(a, 'SET', 'x', '3'))).toBe(false);
  });

  it('fails EXEC when an in-process Cachee call on the same engine writes the key', () => {
    const { a, engine } = setup();
    const cache = new Cachee({ engine });
    expect(survives(a, 'x', () => cache.set('x', '1'))).toBe(false);
    expect(survives(a, 'n', () => cache.incr('n'))).toBe(false);
    expect(survives(a, 'l', () => cache.lpush('l', 'v'))).toBe(false);
    expect(survives(a, 'h', () => cache.hset('h', 'f', 'v'))).toBe(false);
    expect(survives(a, 'x', () => cache.get('x'))).toBe(true);
  });

  it('fails EXEC on DEL, UNLINK, RENAME onto or from the key, MOVE, EXPIRE', () => {
    const { a, b } = setup();
    const cases: [string, Arg[][]][] = [
      ['k', [['DEL', 'k']]],
      ['k', [['UNLINK', 'k']]],
      ['k', [['RENAME', 'src', 'k']]],
      ['src', [['RENAME', 'src', 'k']]],
      ['k', [['MOVE', 'k', '1']]],
      ['k', [['EXPIRE', 'k', '100']]],
      ['k', [['PERSIST', 'k']]],
    ];
    for (const [watched, cmds] of cases) {
      run(b, 'FLUSHALL');
      run(b, 'SET', 'k', '1', 'EX', '1000');
      run(b, 'SET', 'src', '2');
      expect(
        survives(a, watched, () => {
          for (const c of cmds) run(b, ...c);
        }),
        `${watched} ${cmds}`,
      ).toBe(false);
    }
    // DEL of a key that does not exist changes nothing.
    run(b, 'FLUSHALL');
    expect(survives(a, 'k', () => run(b, 'DEL', 'k'))).toBe(true);
  });

  it('watches per database', () => {
    const { a, b } = setup();
    run(a, 'SELECT', '1');
    run(a, 'WATCH', 'k');
    run(b, 'SET', 'k', 'db0');
    run(a, 'MULTI');
    expect(run(a, 'EXEC')).toEqual([]);
    run(a, 'WATCH', 'k');
    run(b, 'SELECT', '1');
    run(b, 'SET', 'k', 'db1');
    run(a, 'MULTI');
    expect(run(a, 'EXEC')).toBe('NIL_ARRAY');
  });

  it('UNWATCH, DISCARD and EXEC forget the watches and the dirty flag; EXEC without MULTI does not', () => {
    const { a, b } = setup();
    run(a, 'WATCH', 'k');
    run(b, 'SET', 'k', '1');
    expect(run(a, 'UNWATCH')).toBe('OK');
    expect(survives(a, 'j', () => {})).toBe(true);
    run(a, 'WATCH', 'k');
    run(a, 'MULTI');
    run(a, 'DISCARD');
    expect(survives(a, 'j', () => run(b, 'SET', 'k', '2'))).toBe(true);
    run(a, 'WATCH', 'k');
    expect(run(a, 'EXEC')).toBe('-ERR EXEC without MULTI');
    run(b, 'SET', 'k', '3');
    run(a, 'MULTI');
    expect(run(a, 'EXEC')).toBe('NIL_ARRAY');
  });

  it('a dirty client ignores further WATCHes until UNWATCH', () => {
    const { a, b, engine } = setup();
    run(a, 'WATCH', 'k');
    run(b, 'SET', 'k', '1');
    expect(a.dirtyCas).toBe(true);
    expect(watchedKeyCount(engine)).toBe(0);
    expect(run(a, 'WATCH', 'j', 'i')).toBe('OK');
    expect(watchedKeyCount(engine)).toBe(0);
    run(a, 'UNWATCH');
    expect(a.dirtyCas).toBe(false);
    run(a, 'WATCH', 'j', 'j', 'i');
    expect(watchedKeyCount(engine)).toBe(2);
    discardTransaction(a);
    expect(watchedKeyCount(engine)).toBe(0);
  });

  it('costs nothing when nobody watches: the key-modified listener exists only while keys are watched', async () => {
    const { a, b, engine } = setup();
    expect(engine.hasKeyListeners()).toBe(false);
    run(a, 'WATCH', 'x', 'y');
    run(b, 'WATCH', 'x');
    expect(engine.hasKeyListeners()).toBe(true);
    expect(watchedKeyCount(engine)).toBe(3);
    run(a, 'UNWATCH');
    expect(engine.hasKeyListeners()).toBe(true);
    run(b, 'MULTI');
    run(b, 'EXEC');
    expect(watchedKeyCount(engine)).toBe(0);
    expect(engine.hasKeyListeners()).toBe(false);
    // A touched watcher drops its watches at once; the listener leaves once the engine's
    // signal loop is over.
    run(a, 'WATCH', 'x', 'y');
    run(b, 'SET', 'y', '1');
    expect(watchedKeyCount(engine)).toBe(0);
    await Promise.resolve();
    expect(engine.hasKeyListeners()).toBe(false);
  });

  it('leaving after the last watch does not hide the signal from the listeners after it', async () => {
    const { a, b, engine } = setup();
    run(a, 'WATCH', 'k');
    const seen: string[] = [];
    const off = engine.onKeyModified((_db, key) => seen.push(key));
    run(b, 'SET', 'k', '1');
    expect(seen).toEqual(['k']);
    // A new WATCH before the deferred release keeps the one listener.
    run(a, 'UNWATCH');
    run(a, 'WATCH', 'j');
    await Promise.resolve();
    run(b, 'SET', 'j', '1');
    expect(a.dirtyCas).toBe(true);
    off();
    await Promise.resolve();
    expect(engine.hasKeyListeners()).toBe(false);
  });

  it('FLUSHDB and FLUSHALL fail EXEC only when the watched key existed', () => {
    const { a, b } = setup();
    expect(survives(a, 'k', () => run(b, 'FLUSHALL'))).toBe(true);
    run(b, 'SET', 'k', '1');
    expect(survives(a, 'k', () => run(b, 'FLUSHALL'))).toBe(false);
    run(b, 'SET', 'k', '1');
    expect(survives(a, 'k', () => run(b, 'FLUSHDB'))).toBe(false);
    run(b, 'SET', 'k', '1');
    run(b, 'SELECT', '3');
    expect(survives(a, 'k', () => run(b, 'FLUSHDB'))).toBe(true);
  });

  it('SWAPDB fails EXEC when the key exists in either database', () => {
    const { a, b } = setup();
    expect(survives(a, 'k', () => run(b, 'SWAPDB', '0', '1'))).toBe(true);
    run(b, 'SELECT', '1');
    run(b, 'SET', 'k', '1');
    expect(survives(a, 'k', () => run(b, 'SWAPDB', '0', '1'))).toBe(false);
    // Now k is in db 0.
    expect(survives(a, 'k', () => run(b, 'SWAPDB', '1', '0'))).toBe(false);
    expect(survives(a, 'k', () => run(b, 'SWAPDB', '2', '3'))).toBe(true);
  });

  describe('expiry (Redis 7.0)', () => {
    it('a key that expires after WATCH fails EXEC even before it is reclaimed', () => {
      const { a, b, clock } = setup();
      run(b, 'SET', 'k', 'v', 'PX', '100');
      expect(
        survives(a, 'k', () => {
          clock.advance(101);
        }),
      ).toBe(false);
    });

    it('a key reclaimed by the active cycle after WATCH fails EXEC', () => {
      const { a, b, clock, engine } = setup();
      run(b, 'SET', 'k', 'v', 'PX', '100');
      expect(
        survives(a, 'k', () => {
          clock.advance(101);
          engine.expireCycle();
          expect(engine.dbs[0].data.has('k')).toBe(false);
        }),
      ).toBe(false);
    });

    it('a key already expired when WATCHed counts as absent', () => {
      const { a, b, clock } = setup();
      const expiredKey = () => {
        run(b, 'SET', 'k', 'v', 'PX', '10');
        clock.advance(20);
      };
      expiredKey();
      expect(survives(a, 'k', () => {})).toBe(true);
      expiredKey();
      // Reclaiming it on access is no change...
      expect(survives(a, 'k', () => run(b, 'GET', 'k'))).toBe(true);
      expiredKey();
      expect(survives(a, 'k', () => run(b, 'DEL', 'k'))).toBe(true);
      expiredKey();
      expect(survives(a, 'k', () => run(b, 'EXISTS', 'k'))).toBe(true);
      // ...but writing it again is.
      expiredKey();
      expect(survives(a, 'k', () => run(b, 'SET', 'k', '2'))).toBe(false);
      expiredKey();
      expect(
        survives(a, 'k', () => {
          run(b, 'GET', 'k');
          run(b, 'SET', 'k', '2');
        }),
      ).toBe(false);
      // FLUSHALL reclaims it without a change; a later write still counts.
      expiredKey();
      expect(survives(a, 'k', () => run(b, 'FLUSHALL'))).toBe(true);
      expiredKey();
      expect(
        survives(a, 'k', () => {
          run(b, 'FLUSHALL');
          run(b, 'SET', 'k', '1');
        }),
      ).toBe(false);
    });

    it('a watched key that expires through an in-process read fails EXEC', () => {
      const { a, b, clock, engine } = setup();
      const cache = new Cachee({ engine });
      run(b, 'SET', 'k', 'v', 'PX', '100');
      expect(
        survives(a, 'k', () => {
          clock.advance(101);
          expect(cache.get('k')).toBeNull();
        }),
      ).toBe(false);
    });
  });

  it('a closed connection unwatches (server connection)', async () => {
    const { CacheeServer } = await import('../../src/server/server.js');
    const net = await import('node:net');
    const engine = new Engine({ activeExpiry: false });
    const server = new CacheeServer(engine, { port: 0 });
    await server.listen();
    try {
      const port = server.address!.port;
      const socket = net.connect(port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      const replied = new Promise((r) => socket.once('data', r));
      socket.write('WATCH a b\r\n');
      await replied;
      expect(watchedKeyCount(engine)).toBe(2);
      const closed = new Promise((r) => socket.once('close', r));
      socket.destroy();
      await closed;
      for (let i = 0; i < 50 && watchedKeyCount(engine) !== 0; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(watchedKeyCount(engine)).toBe(0);
      expect(engine.hasKeyListeners()).toBe(false);
    } finally {
      await server.close();
      engine.close();
    }
  });
});
