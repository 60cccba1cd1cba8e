/** Shared helpers for the RESP server tests: start a server, talk raw RESP, run Redis's CLI tools. */
import { execFile } from 'node:child_process';
import net from 'node:net';
import { Engine } from '../../src/engine/engine.js';
import { CacheeServer, type CacheeServerOptions } from '../../src/server/server.js';
import { replyLength } from '../diff/harness.js';

export interface Started {
  server: CacheeServer;
  engine: Engine;
  port: number;
  stop(): Promise<void>;
}

/** A CacheeServer on an ephemeral port. */
export async function startServer(
  options: CacheeServerOptions = {},
  engine = new Engine(),
): Promise<Started> {
  const server = new CacheeServer(engine, { port: 0, ...options });
  const { port } = await server.listen();
  return {
    server,
    engine,
    port,
    stop: async () => {
      await server.close();
      engine.close();
    },
  };
}

/** A raw socket that accumulates everything it receives. */
export class RawClient {
  received = Buffer.alloc(0);
  closed = false;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => {
      this.received = Buffer.concat([this.received, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host);
      s.once('error', reject);
      s.once('connect', () => {
        s.removeListener('error', reject);
        resolve(new RawClient(s));
      });
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits until `pred` holds (checked on every arrival), or fails after `ms`. */
  async until(pred: () => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out; received ${JSON.stringify(this.received.toString('latin1').slice(0, 500))}`,
        );
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Number of complete replies received so far. */
  replyCount(): number {
    let n = 0;
    let p = 0;
    for (;;) {
      const len = replyLength(this.received, p);
      if (len < 0) return n;
      n++;
      p += len;
    }
  }

  /** Splits what was received into replies (latin1 text each). */
  replies(): string[] {
    const out: string[] = [];
    let p = 0;
    for (;;) {
      const len = replyLength(this.received, p);
      if (len < 0) return out;
      out.push(this.received.toString('latin1', p, p + len));
      p += len;
    }
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => this.socket.write(data, () => resolve()));
  }

  /** Writes and waits for `n` more replies; returns them. */
  async request(data: string | Buffer, n = 1): Promise<string[]> {
    const before = this.replyCount();
    await this.write(data);
    await this.until(() => this.replyCount() >= before + n || this.closed);
    return this.replies().slice(before);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Runs a program, resolving with stdout (and rejecting with stderr on failure). */
export function run(cmd: string, args: string[], input?: string, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** A RESP multibulk request. */
export function resp(...argv: string[]): string {
  return `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}
