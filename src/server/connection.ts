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
 */
import type { Socket } from 'node:net';
import { dispatch } from '../commands/dispatch.js';
import { type ConnectionInfo, ReplyMode, Session } from '../commands/session.js';
import { ReplyError } from '../errors.js';
import { encodeReply, ReplyBuffer } from '../protocol/encoder.js';
import { ProtocolError, RequestParser } from '../protocol/parser.js';
import type { Arg } from '../util/bytes.js';
import type { CacheeServer } from './server.js';

/** Output is checked every this many commands within one read... */
const CHECK_EVERY = 64;
/** ...and written out once it holds this many bytes. */
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
    try {
      this.processInput();
    } catch (e) {
      this.owner.log('warning', 'internal-error', {
        id: this.id,
        addr: this.addr,
        error: e instanceof Error ? (e.stack ?? e.message) : String(e),
      });
      this.close();
    }
  }

  /** Runs every complete command buffered, then writes the replies in one go. */
  private processInput(): void {
    const parser = this.parser;
    const out = this.out;
    const stats = this.owner.stats;
    let n = 0;
    while (!this.closing) {
      let argv: Arg[] | undefined;
      try {
        argv = parser.next();
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        this.protocolError(e);
        break;
      }
      if (argv === undefined) break;
      const reply = dispatch(this, argv);
      stats.commandsProcessed++;
      const mode = this.replyMode;
      if (mode === ReplyMode.On) {
        if (reply instanceof ReplyError) this.owner.countError(reply.message);
        encodeReply(out, reply, this.protocol);
      } else if (mode === ReplyMode.Skip) {
        this.replyMode = ReplyMode.On;
      } else if (mode === ReplyMode.SkipNext) {
        this.replyMode = ReplyMode.Skip;
      }
      if (this.closeAfterReply) break;
      parser.authenticated = this.authenticated;
      if (++n === CHECK_EVERY) {
        n = 0;
        if (out.length >= FLUSH_BYTES) {
          this.flush();
          if (this.socket.writableNeedDrain) {
            this.pauseForDrain();
            return;
          }
        }
      }
    }
    this.flush();
    if (this.closeAfterReply) this.closeAfterWrite();
    else if (this.socket.writableNeedDrain) this.pauseForDrain();
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
    if (this.out.empty) return;
    const buf = this.out.take();
    this.rbs = buf.length;
    if (buf.length > this.rbp) this.rbp = buf.length;
    const stats = this.owner.stats;
    stats.netOutputBytes += buf.length;
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
    this.socket.destroy();
  }
}
