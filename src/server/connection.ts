/**
 * One RESP client connection: a Session bound to a socket.
 *
 * Bytes go through the streaming parser; every complete command is dispatched
 * and its reply encoded into one ReplyBuffer, and everything a read produced is
 * written with a single socket.write at the end of the 'data' handler, so a
 * pipeline of N commands costs one syscall, not N.
 *
 * Memory stays bounded for clients that send but do not read: once the socket
 * reports backpressure (write() returned false) reading stops — unparsed
 * commands stay in the parser, no new bytes are read — until 'drain'. Within a
 * read, output is flushed every so often, so one huge pipelined read cannot
 * pile up unbounded replies either.
 *
 * Pub/Sub pushes reach a connection outside its request/reply cycle: they are
 * encoded into the same output buffer and written once per event-loop turn
 * (Redis writes them before it sleeps). A push caused by the client's own
 * command lands before that command's reply, as in Redis. A subscribed client
 * that does not read is cut off at the pubsub `client-output-buffer-limit`
 * (Redis's default: 32 MB at once, or 8 MB for more than 60 s); other clients
 * at the normal class's limit, which is none by default.
 */
import type { Socket } from 'node:net';
import { outputBufferLimits } from '../commands/config-registry.js';
import { dispatch } from '../commands/dispatch.js';
import { stopMonitoring, takeMonitorEcho } from '../commands/monitor.js';
import { clearSubscriptions } from '../commands/pubsub.js';
import { type ConnectionInfo, ReplyMode, Session } from '../commands/session.js';
import { unwatchAllKeys } from '../engine/watch.js';
import { ReplyError } from '../errors.js';
import { encodeReply, ReplyBuffer } from '../protocol/encoder.js';
import { ProtocolError, RequestParser } from '../protocol/parser.js';
import { BlockedReply, type PendingReply, type Reply } from '../protocol/reply.js';
import type { Arg } from '../util/bytes.js';
import type { CacheeServer } from './server.js';

/** Within one read, output is written out once it holds this many bytes (checked after every reply). */
const FLUSH_BYTES = 256 * 1024;

/** Formats ip:port as Redis does (IPv6 in brackets; IPv4-mapped IPv6 as plain IPv4). */
export function formatAddress(ip: string | undefined, port: number | undefined): string {
  if (ip === undefined) return '?:0';
  if (ip.startsWith('::ffff:') && ip.includes('.')) ip = ip.slice(7);
  return ip.includes(':') ? `[${ip}]:${port ?? 0}` : `${ip}:${port ?? 0}`;
}

/** A client of the RESP server. */
export class Connection extends Session {
  readonly addr: string;
  readonly laddr: string;
  readonly fd: number;
  /** Size of the last reply batch written, and the largest (CLIENT LIST `rbs`, `rbp`). */
  private rbs = 0;
  private rbp = 0;
  private readonly parser: RequestParser;
  private readonly out = new ReplyBuffer();
  /** No more input is processed: closing after a reply, or closed. */
  private closing = false;
  /** Reading is paused until the socket drains. */
  private waitingDrain = false;
  /** A command parsed but held by CLIENT PAUSE. */
  private heldArgv: Arg[] | undefined;
  /** This client's commands are being run: pushes join the batch being built. */
  private processing = false;
  /** A write of pushed frames is queued for this event-loop turn. */
  private pushScheduled = false;
  /** Since when (clock ms) the output has been over the soft pubsub limit; 0 when under it. */
  private softLimitSince = 0;
  /**
   * The blocking command (BLPOP, ...) this client waits on, or null (Redis's
   * CLIENT_BLOCKED): the commands it pipelined after it wait too.
   */
  private blockedOn: PendingReply | null = null;
  /** Running the commands that waited behind a served blocking command is queued. */
  private resumeScheduled = false;

  constructor(
    private readonly owner: CacheeServer,
    readonly socket: Socket,
  ) {
    super(owner.engine, owner.settings, 'tcp');
    this.server = owner;
    this.addr = formatAddress(socket.remoteAddress, socket.remotePort);
    this.laddr = formatAddress(socket.localAddress, socket.localPort);
    const handle = (socket as unknown as { _handle?: { fd?: number } })._handle;
    this.fd = typeof handle?.fd === 'number' ? handle.fd : -1;
    this.parser = new RequestParser({ maxBulkLen: owner.protoMaxBulkLen });
    this.parser.authenticated = this.authenticated;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    // A closed client watches nothing any more (Redis's freeClient).
    socket.on('close', () => unwatchAllKeys(this));
    socket.on('close', () => clearSubscriptions(this));
    socket.on('close', () => this.cancelBlocking());
    socket.on('close', () => stopMonitoring(this));
  }

  /**
   * Sends a push frame (a Pub/Sub message or subscribe confirmation) out of band,
   * whatever CLIENT REPLY says. Frames are batched into one write per event-loop turn.
   */
  override deliver(reply: Reply): void {
    if (this.closing) return;
    encodeReply(this.out, reply, this.protocol);
    if (this.processing || this.pushScheduled) return;
    this.pushScheduled = true;
    setImmediate(this.flushPushes);
  }

  private readonly flushPushes = (): void => {
    this.pushScheduled = false;
    if (this.closing || this.processing) return;
    if (this.overOutputLimits()) return;
    this.flush();
  };

  /**
   * checkClientOutputBufferLimits: `client-output-buffer-limit <class> <hard> <soft> <seconds>`
   * for the client's class (pubsub while subscribed, default 32mb 8mb 60; normal otherwise,
   * default 0 0 0 = none, bounded by backpressure alone). Closes the client, dropping its
   * pending output, when over.
   */
  private overOutputLimits(): boolean {
    const limits = outputBufferLimits(this.owner.settings);
    const limit = this.subscribed ? limits.pubsub : limits.normal;
    if (limit.hard === 0 && limit.soft === 0) {
      this.softLimitSince = 0;
      return false;
    }
    const used = this.socket.writableLength + this.out.length;
    let over = limit.hard > 0 && used >= limit.hard;
    if (!over && limit.soft > 0 && used >= limit.soft) {
      const now = this.engine.clock.now();
      if (this.softLimitSince === 0) this.softLimitSince = now || 1;
      else over = now - this.softLimitSince > limit.softSeconds * 1000;
    } else if (!over) {
      this.softLimitSince = 0;
    }
    if (!over) return false;
    this.owner.log('warning', 'output-buffer-limit', { id: this.id, addr: this.addr, omem: used });
    this.close();
    return true;
  }

  override connectionInfo(): ConnectionInfo {
    const omem = this.socket.writableLength;
    return {
      addr: this.addr,
      laddr: this.laddr,
      fd: this.fd,
      qbuf: this.parser.buffered,
      qbufFree: 0,
      rbs: this.rbs,
      rbp: this.rbp,
      omem,
      oll: omem > 0 ? 1 : 0,
      events: omem > 0 ? 'rw' : 'r',
    };
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    const stats = this.owner.stats;
    stats.netInputBytes += chunk.length;
    stats.readsProcessed++;
    this.parser.push(chunk);
    if (this.parser.buffered > this.owner.clientQueryBufferLimit) {
      this.owner.log('warning', 'query-buffer-limit', {
        id: this.id,
        addr: this.addr,
        qbuf: this.parser.buffered,
      });
      this.close();
      return;
    }
    this.lastInteraction = this.engine.clock.now();
    this.safeProcessInput();
  }

  private onDrain(): void {
    if (!this.waitingDrain || this.closing) return;
    this.waitingDrain = false;
    this.safeProcessInput();
    if (!this.waitingDrain && !this.closing) this.socket.resume();
  }

  /** A bug must cost one connection, never the process. */
  private safeProcessInput(): void {
    this.processing = true;
    try {
      this.processInput();
    } catch (e) {
      this.owner.log('warning', 'internal-error', {
        id: this.id,
        addr: this.addr,
        error: e instanceof Error ? (e.stack ?? e.message) : String(e),
      });
      this.close();
    } finally {
      this.processing = false;
    }
  }

  /** Runs every complete command buffered, then writes the replies in one go. */
  private processInput(): void {
    const parser = this.parser;
    const out = this.out;
    const stats = this.owner.stats;
    while (!this.closing && this.blockedOn === null) {
      // A command held by CLIENT PAUSE runs first once the pause ends.
      let argv: Arg[] | undefined = this.heldArgv;
      if (argv !== undefined) {
        this.heldArgv = undefined;
      } else {
        try {
          argv = parser.next();
        } catch (e) {
          if (!(e instanceof ProtocolError)) throw e;
          this.protocolError(e);
          break;
        }
        if (argv === undefined) break;
      }
      if (this.owner.holds(this, argv)) {
        this.heldArgv = argv;
        break;
      }
      const reply = dispatch(this, argv);
      stats.commandsProcessed++;
      if (reply instanceof BlockedReply) {
        this.block(reply.pending);
        break;
      }
      this.answer(reply);
      // A monitor's own command: its MONITOR line follows the reply, as in Redis.
      if (this.engine.monitors.size !== 0) this.echoMonitorLines();
      if (this.closeAfterReply) break;
      parser.authenticated = this.authenticated;
      if (out.length >= FLUSH_BYTES) {
        if (this.overOutputLimits()) return;
        this.flush();
        if (this.socket.writableNeedDrain) {
          this.pauseForDrain();
          return;
        }
      }
    }
    if (!out.empty && this.overOutputLimits()) return;
    this.flush();
    if (this.closeAfterReply) this.closeAfterWrite();
    else if (this.socket.writableNeedDrain) this.pauseForDrain();
  }

  /** Encodes a command's reply as CLIENT REPLY says. */
  private answer(reply: Reply): void {
    const mode = this.replyMode;
    // SkipNext skips the next command's reply, not this one's (an EXEC running CLIENT REPLY SKIP).
    if (mode === ReplyMode.On || mode === ReplyMode.SkipNext) {
      encodeReply(this.out, reply, this.protocol);
      if (mode === ReplyMode.SkipNext) this.replyMode = ReplyMode.Skip;
    } else if (mode === ReplyMode.Skip) {
      this.replyMode = ReplyMode.On;
    }
  }

  /** Writes the MONITOR lines of this monitor's own last command. */
  private echoMonitorLines(): void {
    const lines = takeMonitorEcho(this);
    if (lines === undefined) return;
    for (const line of lines) encodeReply(this.out, line, this.protocol);
  }

  /**
   * The command blocked: input stays buffered (still read, still bounded by the
   * query buffer limit) until its reply comes. Other connections carry on.
   */
  private block(pending: PendingReply): void {
    this.blockedOn = pending;
    pending.onReply(this.unblocked);
  }

  /**
   * The blocking command's reply (served, timed out or CLIENT UNBLOCK): it is
   * encoded now, and the commands that waited behind it run on the next turn of
   * the event loop — never inside the command that served it (Redis's
   * processUnblockedClients, before it sleeps).
   */
  private readonly unblocked = (reply: Reply): void => {
    this.blockedOn = null;
    if (this.closing) return;
    if (reply instanceof ReplyError) this.owner.countError(reply.message);
    this.answer(reply);
    if (this.resumeScheduled) return;
    this.resumeScheduled = true;
    setImmediate(this.resumeAfterUnblock);
  };

  private readonly resumeAfterUnblock = (): void => {
    this.resumeScheduled = false;
    // Draining resumes processing (and writes the reply) itself.
    if (this.closing || this.blockedOn !== null || this.waitingDrain) return;
    this.safeProcessInput();
  };

  /** A client that goes away while blocked leaves the wait queues: no element is served to it. */
  private cancelBlocking(): void {
    const pending = this.blockedOn;
    if (pending === null) return;
    this.blockedOn = null;
    pending.cancel();
  }

  /** The pause that held this connection's next command ended (CacheeServer.unpause). */
  resumeAfterPause(): void {
    if (this.closing || this.waitingDrain) return;
    this.safeProcessInput();
  }

  /** Redis replies to a protocol error, then closes the connection once the reply is written. */
  private protocolError(e: ProtocolError): void {
    this.owner.log('verbose', 'protocol-error', { id: this.id, addr: this.addr, error: e.message });
    if (this.replyMode === ReplyMode.On) {
      this.owner.countError(e.message);
      this.out.appendText('-');
      this.out.appendBuffer(e.bytes);
      this.out.appendText('\r\n');
    }
    this.closeAfterReply = true;
  }

  private flush(): void {
    const out = this.out;
    if (out.empty) return;
    const buf = out.take();
    const size = buf.length;
    this.rbs = size;
    if (size > this.rbp) this.rbp = size;
    const stats = this.owner.stats;
    stats.netOutputBytes += size;
    stats.writesProcessed++;
    this.socket.write(buf);
  }

  private pauseForDrain(): void {
    if (this.waitingDrain) return;
    this.waitingDrain = true;
    this.socket.pause();
  }

  /** Ends the connection once everything written so far has gone out (QUIT, protocol errors, CLIENT KILL of self). */
  private closeAfterWrite(): void {
    this.closing = true;
    const socket = this.socket;
    socket.end(() => socket.destroy());
  }

  /** Closes the connection now, dropping unwritten output (CLIENT KILL, limits, server shutdown). */
  close(): void {
    this.closing = true;
    this.cancelBlocking();
    this.socket.destroy();
  }
}
