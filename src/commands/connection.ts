/**
 * Connection commands: PING, ECHO, QUIT, HELLO, AUTH, SELECT and CLIENT. They
 * read and change the calling session (protocol, name, database, auth, reply
 * mode); CLIENT LIST / INFO / KILL also look at the other sessions of the RESP
 * server the session belongs to (an in-process session sees only itself).
 */
import { Err, ReplyError } from '../errors.js';
import { MapReply, NO_REPLY, OK, PONG, type Reply, StatusReply, VerbatimReply } from '../protocol/reply.js';
import { type Arg, argText, byteLength, isOption, sameBytes } from '../util/bytes.js';
import { tryParseInt64 } from '../util/numbers.js';
import { isMonitor, stopMonitoring } from './monitor.js';
import { clearSubscriptions } from './pubsub.js';
import { REDIS_VERSION } from './server.js';
import { ReplyMode, type Session } from './session.js';
import { discardTransaction } from './transactions.js';
import type { CommandDef } from './types.js';

const RESET = new StatusReply('RESET');

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;

/** Redis's addReplyErrorFormat: CR and LF in user-supplied text become spaces. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]/g, ' ');
}

/**
 * ACLAuthenticateUser for the one user Cachee has, `default`: with no
 * requirepass it accepts any password (nopass), else only requirepass.
 */
function authenticate(s: Session, user: Arg, pass: Arg): boolean {
  if (typeof user === 'string' ? user !== 'default' : !user.equals(DEFAULT_USER)) return false;
  const required = s.settings.requirepass;
  if (required !== null && !sameBytes(pass, required)) return false;
  s.authenticated = true;
  return true;
}
const DEFAULT_USER = Buffer.from('default');

/** clientSetNameOrReply: '' removes the name; only printable ASCII without spaces is allowed. */
function setClientName(s: Session, name: Arg): void {
  const text = typeof name === 'string' ? name : name.toString('latin1');
  if (text.length === 0) {
    s.name = null;
    return;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) throw new ReplyError(Err.clientNameSpaces);
  }
  s.name = text;
}

/** The sessions CLIENT LIST and KILL consider: the server's, or just this one in-process. */
function allClients(s: Session): Iterable<Session> {
  return s.server ? s.server.clients.values() : [s];
}

function findClient(s: Session, id: number): Session | undefined {
  if (s.server) return s.server.clients.get(id);
  return s.id === id ? s : undefined;
}

/** getClientTypeByName: the CLIENT LIST / KILL TYPE names. */
const CLIENT_TYPES = new Set(['normal', 'slave', 'replica', 'pubsub', 'master']);

/** getClientType: Cachee has no replicas or masters; a client in Pub/Sub mode is `pubsub`. */
function clientType(s: Session): string {
  return s.subscribed ? 'pubsub' : 'normal';
}

function parseClientType(arg: Arg): string {
  const name = argText(arg).toLowerCase();
  if (!CLIENT_TYPES.has(name)) throw new ReplyError(oneLine(Err.unknownClientType(argText(arg))));
  return name === 'slave' ? 'replica' : name;
}

/** The `flags=` field, in catClientInfoString's order. */
function clientFlags(c: Session): string {
  let f = isMonitor(c) ? 'O' : '';
  if (c.subscribed) f += 'P';
  if (c.multi !== null) f += 'x';
  if (c.engine.blocking.isBlocked(c)) f += 'b';
  if (c.dirtyCas) f += 'd';
  if (c.closeAfterReply) f += 'c';
  if (c.noEvict) f += 'e';
  return f === '' ? 'N' : f;
}

/**
 * One CLIENT LIST line (catClientInfoString), without the trailing newline.
 * `argv` is the command being run when `c` is the caller (its `argv-mem`).
 */
export function clientInfoString(c: Session, argv?: readonly Arg[]): string {
  const conn = c.connectionInfo();
  const now = c.engine.clock.now();
  let argvMem = 0;
  if (argv) for (const a of argv) argvMem += byteLength(a);
  const totMem = conn.qbuf + conn.qbufFree + argvMem + conn.rbs + conn.omem;
  const sub = c.subscriber;
  return (
    `id=${c.id} addr=${conn.addr} laddr=${conn.laddr} fd=${conn.fd} name=${c.name ?? ''}` +
    ` age=${Math.max(0, Math.floor((now - c.createdAt) / 1000))}` +
    ` idle=${Math.max(0, Math.floor((now - c.lastInteraction) / 1000))}` +
    ` flags=${clientFlags(c)} db=${c.dbIndex} sub=${sub ? sub.channels.size : 0}` +
    ` psub=${sub ? sub.patterns.size : 0} ssub=${sub ? sub.shardChannels.size : 0}` +
    ` multi=${c.multi === null ? -1 : c.multi.commands.length}` +
    ` qbuf=${conn.qbuf} qbuf-free=${conn.qbufFree} argv-mem=${argvMem}` +
    ` multi-mem=${c.multi === null ? 0 : c.multi.argvMem}` +
    ` rbs=${conn.rbs} rbp=${conn.rbp} obl=0 oll=${conn.oll} omem=${conn.omem} tot-mem=${totMem}` +
    ` events=${conn.events} cmd=${c.lastCommand === '' ? 'NULL' : c.lastCommand} user=default redir=-1 resp=${c.protocol}`
  );
}

// CLIENT LIST [TYPE NORMAL | MASTER | REPLICA | PUBSUB] [ID client-id [client-id ...]]
function clientList(s: Session, argv: Arg[]): Reply {
  let out = '';
  if (argv.length === 4 && isOption(argv[2], 'TYPE')) {
    const type = parseClientType(argv[3]);
    for (const c of allClients(s)) {
      if (clientType(c) === type) out += `${clientInfoString(c, c === s ? argv : undefined)}\n`;
    }
  } else if (argv.length > 3 && isOption(argv[2], 'ID')) {
    for (let i = 3; i < argv.length; i++) {
      const id = tryParseInt64(argv[i]);
      if (id === undefined) throw new ReplyError(Err.invalidClientId);
      const c = typeof id === 'number' ? findClient(s, id) : undefined;
      if (c) out += `${clientInfoString(c, c === s ? argv : undefined)}\n`;
    }
  } else if (argv.length !== 2) {
    throw new ReplyError(Err.syntax);
  } else {
    for (const c of allClients(s)) out += `${clientInfoString(c, c === s ? argv : undefined)}\n`;
  }
  return new VerbatimReply('txt', out);
}

// CLIENT KILL ip:port | CLIENT KILL [ID id] [TYPE type] [USER username] [ADDR ip:port] [LADDR ip:port] [SKIPME YES | NO]
function clientKillCommand(s: Session, argv: Arg[]): Reply {
  let addr: string | undefined;
  let laddr: string | undefined;
  let type: string | undefined;
  let id = 0;
  let skipme = true;
  if (argv.length === 3) {
    // Old form: CLIENT KILL ip:port (which may kill the caller).
    addr = argText(argv[2]);
    skipme = false;
  } else {
    for (let i = 2; i < argv.length; i += 2) {
      const more = argv.length > i + 1;
      const opt = argv[i];
      if (isOption(opt, 'ID') && more) {
        const v = tryParseInt64(argv[i + 1]);
        if (v === undefined || v < 1) throw new ReplyError(Err.clientIdPositive);
        id = Number(v);
      } else if (isOption(opt, 'TYPE') && more) {
        type = parseClientType(argv[i + 1]);
      } else if (isOption(opt, 'ADDR') && more) {
        addr = argText(argv[i + 1]);
      } else if (isOption(opt, 'LADDR') && more) {
        laddr = argText(argv[i + 1]);
      } else if (isOption(opt, 'USER') && more) {
        if (argText(argv[i + 1]) !== 'default')
          throw new ReplyError(oneLine(Err.noSuchUser(argText(argv[i + 1]))));
      } else if (isOption(opt, 'SKIPME') && more) {
        if (isOption(argv[i + 1], 'YES')) skipme = true;
        else if (isOption(argv[i + 1], 'NO')) skipme = false;
        else throw new ReplyError(Err.syntax);
      } else {
        throw new ReplyError(Err.syntax);
      }
    }
  }
  let killed = 0;
  for (const c of [...allClients(s)]) {
    if (addr !== undefined && c.connectionInfo().addr !== addr) continue;
    if (laddr !== undefined && c.connectionInfo().laddr !== laddr) continue;
    if (type !== undefined && clientType(c) !== type) continue;
    if (id !== 0 && c.id !== id) continue;
    if (c === s && skipme) continue;
    if (c === s) s.closeAfterReply = true;
    else s.server?.kill(c);
    killed++;
  }
  if (argv.length === 3) {
    if (killed === 0) throw new ReplyError(Err.noSuchClient);
    return OK;
  }
  return killed;
}

const CLIENT_HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'HELP',
  '    Prints this help.',
];

/** A HELP reply: status lines, as Redis's addReplyHelp. */
export function helpReply(lines: readonly string[]): Reply {
  return lines.map((l) => new StatusReply(l));
}

/** addReplySubcommandSyntaxError: `unknown subcommand or wrong number of arguments for '<sub>'. Try <CMD> HELP.` */
export function subcommandSyntaxError(argv: readonly Arg[]): ReplyError {
  const sub = argText(argv[1]).slice(0, 128);
  return new ReplyError(oneLine(Err.subcommandSyntax(sub, argText(argv[0]).toUpperCase())));
}

/**
 * Ends another client's blocking command (CLIENT UNBLOCK): as if it timed out, or
 * with the UNBLOCKED error. False when the client is not blocked.
 */
function unblockClient(target: Session, withError: boolean): boolean {
  const blocking = target.engine.blocking;
  const waiters = blocking.waitersOf(target);
  if (waiters.length === 0) return false;
  for (const w of waiters.slice()) {
    if (withError) blocking.unblock(w, new ReplyError(Err.unblocked));
    else blocking.unblock(w);
  }
  return true;
}

export const connectionCommands: CommandDef[] = [
  {
    name: 'ping',
    summary: 'Returns PONG, or the given message.',
    // PING [message]
    handler: (s, argv) => {
      if (argv.length > 2) throw new ReplyError(Err.wrongArity('ping'));
      // A RESP2 client in Pub/Sub mode gets a frame shaped like a message.
      if (s.subscribed && s.protocol === 2) return ['pong', argv.length === 2 ? argv[1] : ''];
      return argv.length === 2 ? argv[1] : PONG;
    },
  },
  {
    name: 'echo',
    summary: 'Returns the given message.',
    // ECHO message
    handler: (_s, argv) => argv[1],
  },
  {
    name: 'quit',
    summary: 'Closes the connection after replying OK.',
    // QUIT
    handler: (s) => {
      // An in-process session has no connection to close.
      if (s.kind === 'tcp') s.closeAfterReply = true;
      return OK;
    },
  },
  {
    name: 'select',
    summary: 'Changes the database the connection works on.',
    // SELECT index
    handler: (s, argv) => {
      const id = tryParseInt64(argv[1]);
      if (id === undefined) throw new ReplyError(Err.notInteger);
      if (id > INT_MAX || id < INT_MIN) {
        throw new ReplyError(Err.outOfRangeBetween(String(INT_MIN), String(INT_MAX)));
      }
      if (id < 0 || id >= s.engine.dbs.length) throw new ReplyError(Err.dbIndexOutOfRange);
      s.select(Number(id));
      return OK;
    },
  },
  {
    name: 'auth',
    summary: 'Authenticates the connection as a user, by default the default user.',
    // AUTH [username] password
    handler: (s, argv) => {
      if (argv.length > 3) throw new ReplyError(Err.syntax);
      let user: Arg = 'default';
      let pass = argv[1];
      if (argv.length === 2) {
        if (s.settings.requirepass === null) throw new ReplyError(Err.authNotConfigured);
      } else {
        user = argv[1];
        pass = argv[2];
      }
      if (!authenticate(s, user, pass)) throw new ReplyError(Err.wrongPass);
      return OK;
    },
  },
  {
    name: 'hello',
    summary:
      'Chooses the protocol version, optionally authenticating and naming the connection, and describes the server.',
    // HELLO [protover [AUTH username password] [SETNAME clientname]]
    handler: (s, argv) => {
      let ver = 0;
      let i = 1;
      if (argv.length >= 2) {
        const v = tryParseInt64(argv[1]);
        if (v === undefined) throw new ReplyError(Err.protocolVersionNotInteger);
        if (v < 2 || v > 3) throw new ReplyError(Err.protocolVersion);
        ver = Number(v);
        i = 2;
      }
      // Options apply as they are read, as in Redis 7.0: a name set before a later error stays set.
      for (; i < argv.length; i++) {
        const more = argv.length - 1 - i;
        if (isOption(argv[i], 'AUTH') && more >= 2) {
          if (!authenticate(s, argv[i + 1], argv[i + 2])) throw new ReplyError(Err.wrongPass);
          i += 2;
        } else if (isOption(argv[i], 'SETNAME') && more >= 1) {
          setClientName(s, argv[i + 1]);
          i++;
        } else {
          throw new ReplyError(oneLine(Err.helloSyntax(argText(argv[i]))));
        }
      }
      if (!s.authenticated) throw new ReplyError(Err.helloNoAuth);
      if (ver !== 0) s.protocol = ver as 2 | 3;
      return new MapReply([
        'server',
        'redis',
        'version',
        REDIS_VERSION,
        'proto',
        s.protocol,
        'id',
        s.id,
        'mode',
        'standalone',
        'role',
        'master',
        'modules',
        [],
      ]);
    },
  },
  {
    name: 'client|id',
    summary: 'Returns the unique id of the connection.',
    // CLIENT ID
    handler: (s) => s.id,
  },
  {
    name: 'client|getname',
    summary: 'Returns the name of the connection, or nil when it has none.',
    // CLIENT GETNAME
    handler: (s) => s.name,
  },
  {
    name: 'client|setname',
    summary: 'Names the connection (an empty name removes it).',
    // CLIENT SETNAME connection-name
    handler: (s, argv) => {
      setClientName(s, argv[2]);
      return OK;
    },
  },
  {
    name: 'client|info',
    summary: 'Describes the connection in the CLIENT LIST format.',
    // CLIENT INFO
    handler: (s, argv) => new VerbatimReply('txt', `${clientInfoString(s, argv)}\n`),
  },
  {
    name: 'client|list',
    summary: 'Describes every connection, one line each.',
    handler: clientList,
  },
  {
    name: 'client|kill',
    summary: 'Closes the connections matching an address or filters.',
    handler: clientKillCommand,
  },
  {
    name: 'client|no-evict',
    summary: 'Marks the connection as exempt from client eviction, or not.',
    // CLIENT NO-EVICT ON | OFF
    handler: (s, argv) => {
      if (isOption(argv[2], 'ON')) s.noEvict = true;
      else if (isOption(argv[2], 'OFF')) s.noEvict = false;
      else throw new ReplyError(Err.syntax);
      return OK;
    },
  },
  {
    name: 'client|reply',
    summary: 'Turns the replies to the connection on or off, or skips the next one.',
    // CLIENT REPLY ON | OFF | SKIP
    handler: (s, argv) => {
      if (isOption(argv[2], 'ON')) {
        s.replyMode = ReplyMode.On;
        return OK;
      }
      if (isOption(argv[2], 'OFF')) {
        s.replyMode = ReplyMode.Off;
        return NO_REPLY;
      }
      if (isOption(argv[2], 'SKIP')) {
        if (s.replyMode !== ReplyMode.Off) s.replyMode = ReplyMode.SkipNext;
        return NO_REPLY;
      }
      throw new ReplyError(Err.syntax);
    },
  },
  {
    name: 'client|pause',
    summary: 'Holds the commands of every client, or of those that write, for a number of milliseconds.',
    // CLIENT PAUSE timeout [WRITE | ALL]
    handler: (s, argv) => {
      if (argv.length > 4) throw subcommandSyntaxError(argv);
      let writesOnly = false;
      if (argv.length === 4) {
        if (isOption(argv[3], 'WRITE')) writesOnly = true;
        else if (!isOption(argv[3], 'ALL')) throw new ReplyError(Err.pauseMode);
      }
      const ms = tryParseInt64(argv[2]);
      if (ms === undefined) throw new ReplyError(Err.timeoutNotInteger);
      if (ms < 0) throw new ReplyError(Err.timeoutNegative);
      // In-process calls run synchronously and cannot be held: only a RESP server pauses.
      s.server?.pause(s.engine.clock.now() + Number(ms), writesOnly);
      return OK;
    },
  },
  {
    name: 'client|unpause',
    summary: 'Ends a CLIENT PAUSE.',
    // CLIENT UNPAUSE
    handler: (s) => {
      s.server?.unpause();
      return OK;
    },
  },
  {
    name: 'client|unblock',
    summary: 'Ends the blocking command of another client, as a timeout or with an error.',
    // CLIENT UNBLOCK client-id [TIMEOUT | ERROR]
    handler: (s, argv) => {
      if (argv.length > 4) throw subcommandSyntaxError(argv);
      let withError = false;
      if (argv.length === 4) {
        if (isOption(argv[3], 'ERROR')) withError = true;
        else if (!isOption(argv[3], 'TIMEOUT')) throw new ReplyError(Err.unblockReason);
      }
      const id = tryParseInt64(argv[2]);
      if (id === undefined) throw new ReplyError(Err.notInteger);
      const target = typeof id === 'number' ? findClient(s, id) : undefined;
      return target !== undefined && unblockClient(target, withError) ? 1 : 0;
    },
  },
  {
    name: 'reset',
    summary:
      'Resets the connection: database 0, RESP2, no name, no transaction or subscriptions, unauthenticated.',
    // RESET
    handler: (s) => {
      stopMonitoring(s);
      discardTransaction(s);
      clearSubscriptions(s);
      s.select(0);
      s.protocol = 2;
      s.name = null;
      s.replyMode = ReplyMode.On;
      const settings = s.server ? s.server.settings : s.settings;
      s.authenticated = settings.requirepass === null || s.kind === 'local';
      return RESET;
    },
  },
  {
    name: 'client|help',
    summary: 'Describes the CLIENT subcommands.',
    // CLIENT HELP
    handler: () => helpReply(CLIENT_HELP),
  },
];
