/**
 * Clients blocked on keys (Redis 7.0's blocked.c): BLPOP, BLMOVE, BLMPOP and,
 * through the same registry, BZPOPMIN / BZPOPMAX / BZMPOP.
 *
 * Design: a {@link Waiter} is queued under each key it waits on, per database
 * index, first come first served. The registry listens to the engine's
 * key-modified signal only while someone waits, so it costs nothing otherwise;
 * a modified key with waiters is marked ready. {@link BlockingRegistry.serveReady}
 * — called after each top-level command (dispatch), never in the middle of one,
 * so a whole EXEC or script completes first — then retries the waiters of each
 * ready key in blocking order, as Redis's handleClientsBlockedOnKeys does. A
 * retry serves from the key that became ready (not the first of the waiter's
 * keys), and a waiter whose retry produces nothing (the key is empty, or holds
 * another type) keeps waiting. Serving can make further keys ready (BLMOVE
 * pushes to its destination): those are served in the same call, in order.
 *
 * The registry knows nothing of replies: a waiter's reply type is the caller's
 * (commands use replies by meaning). Timeouts run on `setTimeout` (which keeps
 * the process alive while one is pending, as any timer does; timeout 0 arms no
 * timer), and {@link BlockingRegistry.expireTimeouts} expires waiters by the
 * engine clock for tests that move a ManualClock instead of sleeping.
 */
import type { Database } from './database.js';
import type { Engine } from './engine.js';

/** The longest delay `setTimeout` takes (2^31 - 1 ms); longer waits re-arm. */
const MAX_TIMER_MS = 0x7fffffff;

/** What a blocking command asks for. */
export interface BlockRequest<R> {
  /** The database the keys live in. */
  readonly db: Database;
  /** The keys to wait on (duplicates are ignored). */
  readonly keys: readonly string[];
  /** How long to wait in ms; 0 waits until served or cancelled. */
  readonly timeoutMs: number;
  /**
   * Tries to serve the waiter from `key`, which has just been modified: returns the
   * reply, or undefined to keep waiting (and then must have changed nothing).
   */
  retry(key: string): R | undefined;
  /** Turns an exception thrown by {@link retry} into the waiter's reply. */
  error(e: unknown): R;
  /** The reply when the timeout passes. */
  readonly timeoutReply: R;
  /** Who waits (a client session), for CLIENT LIST's `b` flag and CLIENT UNBLOCK. */
  readonly owner?: object;
}

/** One blocked request. Its reply arrives once, through {@link Waiter.onReply}. */
export class Waiter<R = unknown> {
  /** The keys waited on, without duplicates. */
  readonly keys: readonly string[];
  /** Engine-clock ms at which the wait times out; 0 for none. */
  readonly deadline: number;
  /** False once the waiter was served, timed out or cancelled. */
  waiting = true;
  /** @internal the pending timer and the ms still to wait after it fires (long waits). */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** @internal */
  timerLeft = 0;
  private listener: ((reply: R) => void) | undefined;
  private result: { reply: R } | undefined;

  constructor(
    private readonly registry: BlockingRegistry,
    readonly request: BlockRequest<R>,
    keys: readonly string[],
    deadline: number,
  ) {
    this.keys = keys;
    this.deadline = deadline;
  }

  /** The database waited in. */
  get db(): Database {
    return this.request.db;
  }

  /**
   * Sets the function that receives the reply (served, timed out or unblocked).
   * If the reply already came, it is called at once.
   */
  onReply(listener: (reply: R) => void): void {
    if (this.result !== undefined) listener(this.result.reply);
    else this.listener = listener;
  }

  /** Stops waiting without a reply (the client disconnected). True when it was waiting. */
  cancel(): boolean {
    return this.registry.cancel(this);
  }

  /** @internal */
  deliver(reply: R): void {
    const listener = this.listener;
    if (listener === undefined) this.result = { reply };
    else {
      this.listener = undefined;
      listener(reply);
    }
  }
}

type AnyWaiter = Waiter<unknown>;

/** The blocked requests of one engine (`engine.blocking`). */
export class BlockingRegistry {
  /** Per database index: key → waiters in blocking order. */
  private readonly queues: (Map<string, AnyWaiter[]> | undefined)[] = [];
  /** Keys made ready since the last {@link serveReady}, in signalling order (Redis's server.ready_keys). */
  private readyDbs: Database[] = [];
  private readyKeys: string[] = [];
  /** Per database index: the keys in the ready list (Redis's db->ready_keys). */
  private readonly readySets: (Set<string> | undefined)[] = [];
  /** Every waiter, in blocking order. */
  private readonly all = new Set<AnyWaiter>();
  private readonly owners = new Map<object, AnyWaiter[]>();
  private withTimeout = 0;
  private unsubscribe: (() => void) | null = null;
  private serving = false;
  private readonly onTimer = (w: AnyWaiter): void => {
    w.timer = undefined;
    if (!w.waiting) return;
    if (w.timerLeft > 0) {
      this.arm(w, w.timerLeft);
      return;
    }
    this.settle(w, w.request.timeoutReply);
  };
  private readonly onKeyModified = (db: Database, key: string): void => {
    const queues = this.queues[db.index];
    if (queues?.has(key)) this.markReady(db, key);
  };

  constructor(private readonly engine: Engine) {}

  /** True when keys with waiters were modified since the last {@link serveReady}. */
  get hasReady(): boolean {
    return this.readyKeys.length !== 0;
  }

  /** How many requests wait (INFO `blocked_clients`). */
  get blockedCount(): number {
    return this.all.size;
  }

  /** How many of them have a timeout (INFO `clients_in_timeout_table`). */
  get timeoutCount(): number {
    return this.withTimeout;
  }

  /** True when `owner` has a request waiting (CLIENT LIST flag `b`). */
  isBlocked(owner: object): boolean {
    return this.owners.has(owner);
  }

  /** The requests `owner` has waiting, oldest first. */
  waitersOf(owner: object): readonly AnyWaiter[] {
    return this.owners.get(owner) ?? [];
  }

  /**
   * Queues a request on its keys. Its reply comes later through
   * {@link Waiter.onReply}: when a key it waits on is served to it, at the
   * timeout, or from {@link unblock}.
   */
  block<R>(request: BlockRequest<R>): Waiter<R> {
    const keys = unique(request.keys);
    const timeoutMs = request.timeoutMs;
    const deadline = timeoutMs > 0 ? this.engine.clock.now() + timeoutMs : 0;
    const w = new Waiter<R>(this, request, keys, deadline);
    const any = w as unknown as AnyWaiter;
    const index = request.db.index;
    let queues = this.queues[index];
    if (queues === undefined) this.queues[index] = queues = new Map();
    for (let i = 0; i < keys.length; i++) {
      const q = queues.get(keys[i]);
      if (q === undefined) queues.set(keys[i], [any]);
      else q.push(any);
    }
    this.all.add(any);
    const owner = request.owner;
    if (owner !== undefined) {
      const mine = this.owners.get(owner);
      if (mine === undefined) this.owners.set(owner, [any]);
      else mine.push(any);
    }
    if (timeoutMs > 0) {
      this.withTimeout++;
      this.arm(any, timeoutMs);
    }
    if (this.unsubscribe === null) this.unsubscribe = this.engine.onKeyModified(this.onKeyModified);
    return w;
  }

  /**
   * Serves the waiters of every ready key: for each key in the order it became
   * ready, its waiters in blocking order, while retries produce replies. Keys made
   * ready meanwhile (BLMOVE's destination) are served in the same call.
   */
  serveReady(): void {
    if (this.serving) return;
    this.serving = true;
    try {
      while (this.readyKeys.length !== 0) {
        const dbs = this.readyDbs;
        const keys = this.readyKeys;
        this.readyDbs = [];
        this.readyKeys = [];
        for (let i = 0; i < keys.length; i++) {
          this.readySets[dbs[i].index]?.delete(keys[i]);
          this.serveKey(dbs[i], keys[i]);
        }
      }
    } finally {
      this.serving = false;
    }
  }

  /**
   * Marks as ready every key of `db` that has waiters and exists (Redis's
   * scanDatabaseForReadyKeys, for SWAPDB, which changes keys without signalling).
   */
  signalDatabase(db: Database): void {
    const queues = this.queues[db.index];
    if (queues === undefined) return;
    for (const key of queues.keys()) if (db.data.has(key)) this.markReady(db, key);
  }

  /**
   * Times out every waiter whose deadline has passed on the engine clock (the
   * timers do this on their own; tests moving a ManualClock call it). Returns how many.
   */
  expireTimeouts(): number {
    if (this.withTimeout === 0) return 0;
    const now = this.engine.clock.now();
    const due: AnyWaiter[] = [];
    for (const w of this.all) if (w.deadline !== 0 && w.deadline <= now) due.push(w);
    // Redis's timeout table is ordered by deadline, then by client.
    due.sort((a, b) => a.deadline - b.deadline);
    for (const w of due) if (w.waiting) this.settle(w, w.request.timeoutReply);
    return due.length;
  }

  /**
   * Ends a wait now with `reply`, or as its timeout would (CLIENT UNBLOCK).
   * False when it was not waiting.
   */
  unblock<R>(w: Waiter<R>, ...reply: [R] | []): boolean {
    if (!w.waiting) return false;
    const any = w as unknown as AnyWaiter;
    this.settle(any, reply.length === 0 ? any.request.timeoutReply : reply[0]);
    return true;
  }

  /** Ends a wait without a reply (the client went away). False when it was not waiting. */
  cancel<R>(w: Waiter<R>): boolean {
    if (!w.waiting) return false;
    this.remove(w as unknown as AnyWaiter);
    return true;
  }

  private markReady(db: Database, key: string): void {
    let set = this.readySets[db.index];
    if (set === undefined) this.readySets[db.index] = set = new Set();
    if (set.has(key)) return;
    set.add(key);
    this.readyDbs.push(db);
    this.readyKeys.push(key);
  }

  /** Redis's serveClientsBlockedOn*Key: the key's waiters in order, while the key exists. */
  private serveKey(db: Database, key: string): void {
    const queue = this.queues[db.index]?.get(key);
    if (queue === undefined || db.peek(key) === undefined) return;
    // Served waiters leave the queue: walk a copy.
    const waiters = queue.slice();
    for (let i = 0; i < waiters.length; i++) {
      const w = waiters[i];
      if (!w.waiting) continue;
      let reply: unknown;
      try {
        reply = w.request.retry(key);
      } catch (e) {
        reply = w.request.error(e);
      }
      if (reply === undefined) continue;
      this.settle(w, reply);
      // The last element went: nothing left for the others.
      if (!db.data.has(key)) break;
    }
  }

  private settle(w: AnyWaiter, reply: unknown): void {
    this.remove(w);
    w.deliver(reply);
  }

  private remove(w: AnyWaiter): void {
    w.waiting = false;
    const queues = this.queues[w.db.index];
    if (queues !== undefined) {
      for (const key of w.keys) {
        const q = queues.get(key);
        if (q === undefined) continue;
        const i = q.indexOf(w);
        if (i >= 0) q.splice(i, 1);
        if (q.length === 0) queues.delete(key);
      }
    }
    this.all.delete(w);
    const owner = w.request.owner;
    if (owner !== undefined) {
      const mine = this.owners.get(owner);
      if (mine !== undefined) {
        const i = mine.indexOf(w);
        if (i >= 0) mine.splice(i, 1);
        if (mine.length === 0) this.owners.delete(owner);
      }
    }
    if (w.deadline !== 0) {
      this.withTimeout--;
      if (w.timer !== undefined) clearTimeout(w.timer);
      w.timer = undefined;
    }
    if (this.all.size === 0) {
      // Nobody waits: stop listening, forget ready keys.
      this.unsubscribe?.();
      this.unsubscribe = null;
      this.readyDbs = [];
      this.readyKeys = [];
      for (const set of this.readySets) set?.clear();
    }
  }

  private arm(w: AnyWaiter, ms: number): void {
    const delay = Math.min(ms, MAX_TIMER_MS);
    w.timerLeft = ms - delay;
    w.timer = setTimeout(this.onTimer, delay, w);
  }
}

/** The keys without duplicates, in first-seen order (BLPOP k k waits once on k). */
function unique(keys: readonly string[]): readonly string[] {
  if (keys.length < 2) return keys.slice();
  const out: string[] = [];
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(k);
  }
  return out;
}
