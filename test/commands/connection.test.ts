import { describe, expect, it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
import { clientInfoString } from '../../src/commands/connection.js';
import { dispatch } from '../../src/commands/dispatch.js';
import { ReplyMode, Session } from '../../src/commands/session.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { ReplyError } from '../../src/errors.js';
import { encodeToBuffer } from '../../src/protocol/encoder.js';
import type { Arg } from '../../src/util/bytes.js';

function tcpSession(
  requirepass: string | null = null,
  engine = new Engine({ activeExpiry: false }),
): Session {
  return new Session(engine, { requirepass }, 'tcp');
}

/** Runs a command and returns its RESP bytes as text, in the session's protocol. */
function wire(s: Session, ...argv: Arg[]): string {
  return encodeToBuffer(dispatch(s, argv), s.protocol).toString('latin1');
}

describe('PING, ECHO, QUIT', () => {
  it('PING answers PONG or the message; ECHO the message', () => {
    const c = new Cachee();
    expect(c.call('ping')).toBe('PONG');
    expect(c.call('PING', 'hi')).toBe('hi');
    expect(c.call('echo', 'x y')).toBe('x y');
    expect(c.call('echo', Buffer.from([0xff]))).toEqual(Buffer.from([0xff]));
    expect(() => c.call('ping', 'a', 'b')).toThrow("ERR wrong number of arguments for 'ping' command");
    expect(() => c.call('echo')).toThrow("ERR wrong number of arguments for 'echo' command");
  });

  it('QUIT replies OK and marks the session to close after the reply', () => {
    const s = tcpSession();
    expect(wire(s, 'QUIT')).toBe('+OK\r\n');
    expect(s.closeAfterReply).toBe(true);
  });
});

describe('SELECT', () => {
  it('switches database and validates the index', () => {
    const c = new Cachee({ activeExpiry: false });
    c.call('set', 'k', 'zero');
    expect(c.call('select', 2)).toBe('OK');
    expect(c.call('get', 'k')).toBeNull();
    c.call('set', 'k', 'two');
    c.call('select', '0');
    expect(c.call('get', 'k')).toBe('zero');
    expect(() => c.call('select', 16)).toThrow('ERR DB index is out of range');
    expect(() => c.call('select', -1)).toThrow('ERR DB index is out of range');
    expect(() => c.call('select', 'x')).toThrow('ERR value is not an integer or out of range');
    expect(() => c.call('select', '2147483648')).toThrow(
      'ERR value is out of range, value must between -2147483648 and 2147483647',
    );
  });

  it('respects the number of databases', () => {
    const c = new Cachee({ databases: 2, activeExpiry: false });
    expect(c.call('select', 1)).toBe('OK');
    expect(() => c.call('select', 2)).toThrow('ERR DB index is out of range');
  });
});

describe('AUTH and HELLO', () => {
  it('AUTH without requirepass: the one-argument form is an error, default accepts anything', () => {
    const s = tcpSession();
    expect(wire(s, 'AUTH', 'pw')).toBe(
      '-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n',
    );
    expect(wire(s, 'AUTH', 'default', 'whatever')).toBe('+OK\r\n');
    expect(wire(s, 'AUTH', 'someone', 'x')).toBe(
      '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
    );
    expect(wire(s, 'AUTH', 'a', 'b', 'c')).toBe('-ERR syntax error\r\n');
  });

  it('with requirepass, commands need AUTH first; HELLO may authenticate', () => {
    const s = tcpSession('secret');
    expect(s.authenticated).toBe(false);
    expect(wire(s, 'GET', 'k')).toBe('-NOAUTH Authentication required.\r\n');
    expect(wire(s, 'HELLO')).toMatch(/^-NOAUTH HELLO must be called with the client already authenticated/);
    expect(wire(s, 'AUTH', 'nope')).toBe(
      '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
    );
    expect(wire(s, 'AUTH', 'default', 'nope')).toBe(
      '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
    );
    expect(s.authenticated).toBe(false);
    expect(wire(s, 'AUTH', 'secret')).toBe('+OK\r\n');
    expect(s.authenticated).toBe(true);
    expect(wire(s, 'GET', 'k')).toBe('$-1\r\n');

    const t = tcpSession('secret');
    const hello = wire(t, 'HELLO', '3', 'AUTH', 'default', 'secret', 'SETNAME', 'me');
    expect(hello).toBe(
      `%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:${t.id}\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n`,
    );
    expect(t.protocol).toBe(3);
    expect(t.name).toBe('me');
  });

  it('HELLO applies options in order, as Redis 7.0 does', () => {
    const s = tcpSession();
    expect(wire(s, 'HELLO', '3', 'SETNAME', 'early', 'bogus')).toBe(
      "-ERR Syntax error in HELLO option 'bogus'\r\n",
    );
    expect(s.name).toBe('early');
    expect(s.protocol).toBe(2);
    expect(wire(s, 'HELLO', '4')).toBe('-NOPROTO unsupported protocol version\r\n');
    expect(wire(s, 'HELLO', 'x')).toBe('-ERR Protocol version is not an integer or out of range\r\n');
    expect(wire(s, 'HELLO', '2', 'AUTH', 'u')).toBe("-ERR Syntax error in HELLO option 'AUTH'\r\n");
    expect(wire(s, 'HELLO', '2', 'SETNAME', 'a b')).toBe(
      '-ERR Client names cannot contain spaces, newlines or special characters.\r\n',
    );
    expect(wire(s, 'HELLO', '2', 'x\r\ny')).toBe("-ERR Syntax error in HELLO option 'x  y'\r\n");
    // HELLO without a version describes the server in the current protocol.
    expect(wire(s, 'HELLO')).toMatch(/^\*14\r\n.*\$5\r\nproto\r\n:2\r\n/s);
  });
});

describe('CLIENT', () => {
  it('SETNAME / GETNAME / ID', () => {
    const c = new Cachee();
    expect(c.call('client', 'getname')).toBeNull();
    expect(c.call('client', 'setname', 'worker:1')).toBe('OK');
    expect(c.call('client', 'getname')).toBe('worker:1');
    expect(() => c.call('client', 'setname', 'a b')).toThrow('ERR Client names cannot contain spaces');
    expect(() => c.call('client', 'setname', 'ü')).toThrow('ERR Client names cannot contain spaces');
    expect(c.call('client', 'getname')).toBe('worker:1');
    expect(c.call('client', 'setname', '')).toBe('OK');
    expect(c.call('client', 'getname')).toBeNull();
    expect(typeof c.call('client', 'id')).toBe('number');
    expect(() => c.call('client', 'setinfo', 'lib-name', 'x')).toThrow(
      "ERR unknown subcommand 'setinfo'. Try CLIENT HELP.",
    );
  });

  it('INFO / LIST lines have every Redis field', () => {
    const clock = new ManualClock();
    const s = tcpSession(null, new Engine({ clock, activeExpiry: false }));
    dispatch(s, ['CLIENT', 'SETNAME', 'nm']);
    dispatch(s, ['SELECT', '3']);
    clock.advance(5000);
    s.lastInteraction = clock.now() - 2000;
    const line = clientInfoString(s);
    expect(line).toBe(
      `id=${s.id} addr= laddr= fd=-1 name=nm age=5 idle=2 flags=N db=3 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=select user=default redir=-1 resp=2`,
    );
    expect(wire(s, 'CLIENT', 'INFO')).toMatch(
      /^\$\d+\r\nid=\d+ .* argv-mem=10 .* cmd=client\|info user=default redir=-1 resp=2\n\r\n$/,
    );
    s.protocol = 3;
    expect(wire(s, 'CLIENT', 'LIST')).toMatch(/^=\d+\r\ntxt:id=\d+ .*resp=3\n\r\n$/);
    expect(wire(s, 'CLIENT', 'LIST', 'ID', String(s.id), String(s.id))).toMatch(
      /^=\d+\r\ntxt:(id=[^\n]*\n){2}\r\n$/,
    );
    expect(wire(s, 'CLIENT', 'LIST', 'TYPE', 'pubsub')).toBe('=4\r\ntxt:\r\n');
    dispatch(s, ['CLIENT', 'NO-EVICT', 'on']);
    expect(clientInfoString(s)).toMatch(/ flags=e /);
  });

  it('KILL of an in-process session can only target itself', () => {
    const s = tcpSession();
    expect(wire(s, 'CLIENT', 'KILL', 'ID', String(s.id))).toBe(':0\r\n');
    expect(s.closeAfterReply).toBe(false);
    expect(wire(s, 'CLIENT', 'KILL', 'ID', String(s.id), 'SKIPME', 'no')).toBe(':1\r\n');
    expect(s.closeAfterReply).toBe(true);
  });

  it('REPLY sets the reply mode the server applies', () => {
    const s = tcpSession();
    expect(wire(s, 'CLIENT', 'REPLY', 'SKIP')).toBe('');
    expect(s.replyMode).toBe(ReplyMode.SkipNext);
    expect(wire(s, 'CLIENT', 'REPLY', 'OFF')).toBe('');
    expect(s.replyMode).toBe(ReplyMode.Off);
    expect(wire(s, 'CLIENT', 'REPLY', 'SKIP')).toBe('');
    expect(s.replyMode).toBe(ReplyMode.Off);
    expect(wire(s, 'CLIENT', 'REPLY', 'ON')).toBe('+OK\r\n');
    expect(s.replyMode).toBe(ReplyMode.On);
    expect(wire(s, 'CLIENT', 'REPLY', 'x')).toBe('-ERR syntax error\r\n');
  });

  it('HELP lists the subcommands Cachee has', () => {
    const help = new Cachee().call('client', 'help') as string[];
    expect(help[0]).toBe('CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    for (const sub of ['GETNAME', 'ID', 'INFO', 'SETNAME <name>', 'HELP', 'REPLY (ON|OFF|SKIP)']) {
      expect(help).toContain(sub);
    }
  });

  it('errors are ReplyErrors with Redis text', () => {
    const c = new Cachee();
    try {
      c.call('client', 'list', 'type', 'bogus');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ReplyError);
      expect((e as Error).message).toBe("ERR Unknown client type 'bogus'");
    }
    expect(() => c.call('client', 'list', 'id', 'x')).toThrow('ERR Invalid client ID');
    expect(() => c.call('client', 'kill', 'id', '0')).toThrow('ERR client-id should be greater than 0');
    expect(() => c.call('client', 'kill', 'user', 'bob')).toThrow("ERR No such user 'bob'");
    expect(() => c.call('client', 'kill', '1.1.1.1:1')).toThrow('ERR No such client');
  });
});
