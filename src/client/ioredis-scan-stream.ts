/**
 * ioredis's ScanStream: SCAN / SSCAN / HSCAN / ZSCAN as an object-mode Readable
 * that pushes each batch a call returns (`['k1', 'k2']`, or field/value pairs
 * for HSCAN) until the cursor comes back as "0".
 */
import { Readable, type ReadableOptions } from 'node:stream';

/** Options of `scanStream()` and friends, as ioredis takes them. */
export interface ScanStreamOptions {
  /** MATCH pattern. */
  match?: string;
  /** TYPE filter (SCAN only). */
  type?: string;
  /** COUNT hint. */
  count?: number;
  /** NOVALUES (HSCAN; a Redis 7.4 option, refused by 7.0 servers). */
  noValues?: boolean;
}

/** What a scan stream calls: a command method of the client, taking arguments and a callback. */
type ScanMethod = (
  args: unknown[],
  callback: (err: Error | null | undefined, res?: unknown) => void,
) => unknown;

/** @internal What the client passes to construct a scan stream. */
export interface ScanStreamInit extends ScanStreamOptions, ReadableOptions {
  /** The client (its `command` method is called). */
  redis: object;
  /** The method name: 'scan', 'hscanBuffer', ... */
  command: string;
  /** The key, for SSCAN / HSCAN / ZSCAN. */
  key?: unknown;
}

/** A Readable of SCAN batches; `close()` stops it after the batch in flight. */
export class ScanStream extends Readable {
  private cursor = '0';
  private drained = false;

  constructor(private readonly opt: ScanStreamInit) {
    super(opt);
  }

  override _read(): void {
    if (this.drained) {
      this.push(null);
      return;
    }
    const opt = this.opt;
    const args: unknown[] = [this.cursor];
    if (opt.key) args.unshift(opt.key);
    if (opt.match) args.push('MATCH', opt.match);
    if (opt.type) args.push('TYPE', opt.type);
    if (opt.count) args.push('COUNT', String(opt.count));
    if (opt.noValues) args.push('NOVALUES');
    const method = (opt.redis as Record<string, ScanMethod>)[opt.command];
    method.call(opt.redis, args, (err, res) => {
      if (err) {
        this.emit('error', err);
        return;
      }
      const [cursor, batch] = res as [string | Buffer, unknown[]];
      this.cursor = Buffer.isBuffer(cursor) ? cursor.toString() : cursor;
      if (this.cursor === '0') this.drained = true;
      this.push(batch);
    });
  }

  /** Stops scanning: the stream ends after the current batch. */
  close(): void {
    this.drained = true;
  }
}
