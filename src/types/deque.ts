/**
 * A double-ended queue: a growable ring buffer over a power-of-two array.
 *
 * Why this shape: the list workload is queues (LPUSH + RPOP/BRPOP, LMOVE) plus
 * LRANGE/LINDEX windows. A ring buffer gives O(1) push and pop at both ends
 * with no per-element node (a linked list would allocate an object per push
 * and cost ~40 bytes per element), and O(1) access by index, so LINDEX/LSET
 * are O(1) and LRANGE is O(s + m) → O(m). Insertion and removal in the middle
 * (LINSERT, LREM) shift the shorter side, O(min(i, n − i)), which is within
 * Redis's O(n) for those commands. Redis's quicklist (a linked list of
 * listpacks) trades index speed for compactness of tiny elements; a JS array
 * of references is already compact, so the ring needs no chunking.
 *
 * Capacity is a power of two so that a logical index maps to a slot with one
 * `&`. The buffer doubles when full and halves once at most a quarter is used
 * (never below {@link MIN_CAPACITY}); the gap between the two thresholds keeps
 * alternating push/pop at a boundary from resizing every time. Vacated slots
 * are set to `undefined` so that popped values can be collected. Backing
 * arrays are preallocated with `new Array(capacity)` (V8's holey elements: one
 * allocation, no fill pass; reads of never-written slots yield undefined).
 *
 * The single-element operations allocate nothing unless the buffer resizes.
 *
 * Memory accounting: {@link Deque.bytes} is the sum of {@link Deque.sizeOf} over
 * the elements, kept by every operation that adds, replaces or removes one (0
 * unless a subclass sizes its elements, as RedisList does for engine/memory.ts).
 */

/** Smallest capacity the buffer shrinks to. */
export const MIN_CAPACITY = 4;

/** Smallest power of two ≥ n (and ≥ MIN_CAPACITY). */
function capacityFor(n: number): number {
  let cap = MIN_CAPACITY;
  while (cap < n) cap *= 2;
  return cap;
}

export class Deque<T> {
  /** The ring; its length is the capacity, always a power of two. */
  protected items: (T | undefined)[];
  /** Slot of logical index 0. */
  protected head = 0;
  /** Number of elements. */
  protected len = 0;
  /** capacity − 1. */
  protected mask: number;
  /** Sum of {@link Deque.sizeOf} over the elements. */
  bytes = 0;

  /** An empty deque with room for `capacity` elements before it grows. */
  constructor(capacity = MIN_CAPACITY) {
    const cap = capacityFor(capacity);
    this.items = new Array<T | undefined>(cap);
    this.mask = cap - 1;
  }

  /** Number of elements. */
  get length(): number {
    return this.len;
  }

  /** Size of the backing array (for tests and memory estimates). */
  get capacity(): number {
    return this.items.length;
  }

  /** The bytes an element counts for in {@link Deque.bytes}; 0 here, sized by subclasses. */
  protected sizeOf(_v: T): number {
    return 0;
  }

  /** Appends at the tail. */
  pushBack(v: T): void {
    if (this.len === this.items.length) this.resize(this.items.length * 2);
    this.items[(this.head + this.len) & this.mask] = v;
    this.len++;
    this.bytes += this.sizeOf(v);
  }

  /** Prepends at the head. */
  pushFront(v: T): void {
    if (this.len === this.items.length) this.resize(this.items.length * 2);
    this.head = (this.head - 1) & this.mask;
    this.items[this.head] = v;
    this.len++;
    this.bytes += this.sizeOf(v);
  }

  /** Removes and returns the head element; undefined when empty. */
  popFront(): T | undefined {
    if (this.len === 0) return undefined;
    const items = this.items;
    const v = items[this.head] as T;
    items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.len--;
    this.bytes -= this.sizeOf(v);
    if (this.len <= items.length >>> 2 && items.length > MIN_CAPACITY) this.shrink();
    return v;
  }

  /** Removes and returns the tail element; undefined when empty. */
  popBack(): T | undefined {
    if (this.len === 0) return undefined;
    const items = this.items;
    this.len--;
    const slot = (this.head + this.len) & this.mask;
    const v = items[slot] as T;
    items[slot] = undefined;
    this.bytes -= this.sizeOf(v);
    if (this.len <= items.length >>> 2 && items.length > MIN_CAPACITY) this.shrink();
    return v;
  }

  /** The element at logical index `i` (0 = head); undefined outside 0..length−1. */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.len) return undefined;
    return this.items[(this.head + i) & this.mask];
  }

  /** Replaces the element at `i`; false when `i` is outside 0..length−1. */
  set(i: number, v: T): boolean {
    if (i < 0 || i >= this.len) return false;
    const slot = (this.head + i) & this.mask;
    this.bytes += this.sizeOf(v) - this.sizeOf(this.items[slot] as T);
    this.items[slot] = v;
    return true;
  }

  /**
   * Inserts `v` so that it ends up at logical index `i` (0..length), shifting
   * the shorter side by one.
   */
  insert(i: number, v: T): void {
    if (i < 0 || i > this.len) throw new RangeError(`insert index ${i} outside 0..${this.len}`);
    if (this.len === this.items.length) this.resize(this.items.length * 2);
    const items = this.items;
    const mask = this.mask;
    if (i < this.len >>> 1) {
      // Move the head one slot back and shift elements 0..i−1 toward it.
      const head = (this.head - 1) & mask;
      this.head = head;
      for (let j = 0; j < i; j++) items[(head + j) & mask] = items[(head + j + 1) & mask];
    } else {
      const head = this.head;
      for (let j = this.len; j > i; j--) items[(head + j) & mask] = items[(head + j - 1) & mask];
    }
    items[(this.head + i) & mask] = v;
    this.len++;
    this.bytes += this.sizeOf(v);
  }

  /** Removes and returns the element at `i` (0..length−1), shifting the shorter side. */
  removeAt(i: number): T | undefined {
    if (i < 0 || i >= this.len) return undefined;
    const items = this.items;
    const mask = this.mask;
    const head = this.head;
    const v = items[(head + i) & mask] as T;
    this.bytes -= this.sizeOf(v);
    if (i < this.len >>> 1) {
      for (let j = i; j > 0; j--) items[(head + j) & mask] = items[(head + j - 1) & mask];
      items[head] = undefined;
      this.head = (head + 1) & mask;
    } else {
      const last = this.len - 1;
      for (let j = i; j < last; j++) items[(head + j) & mask] = items[(head + j + 1) & mask];
      items[(head + last) & mask] = undefined;
    }
    this.len--;
    this.maybeShrink();
    return v;
  }

  /**
   * Removes up to `limit` elements for which `match` is true, scanning from the
   * head (or from the tail when `fromTail`), in one O(n) compaction pass.
   * `limit` ≤ 0 means no limit. Returns how many were removed.
   */
  removeWhere(match: (v: T) => boolean, limit: number, fromTail: boolean): number {
    const n = this.len;
    if (n === 0) return 0;
    const unlimited = limit <= 0;
    const items = this.items;
    const mask = this.mask;
    const head = this.head;
    let removed = 0;
    if (!fromTail) {
      let w = 0;
      for (let r = 0; r < n; r++) {
        const v = items[(head + r) & mask] as T;
        if ((unlimited || removed < limit) && match(v)) {
          removed++;
          this.bytes -= this.sizeOf(v);
          continue;
        }
        if (w !== r) items[(head + w) & mask] = v;
        w++;
      }
      for (let j = w; j < n; j++) items[(head + j) & mask] = undefined;
      this.len = w;
    } else {
      let w = n - 1;
      for (let r = n - 1; r >= 0; r--) {
        const v = items[(head + r) & mask] as T;
        if ((unlimited || removed < limit) && match(v)) {
          removed++;
          this.bytes -= this.sizeOf(v);
          continue;
        }
        if (w !== r) items[(head + w) & mask] = v;
        w--;
      }
      // Survivors now occupy logical w+1..n−1.
      for (let j = 0; j <= w; j++) items[(head + j) & mask] = undefined;
      this.head = (head + w + 1) & mask;
      this.len = n - 1 - w;
    }
    if (removed !== 0) this.maybeShrink();
    return removed;
  }

  /** Removes `n` elements from the head (clamped to the length). */
  dropFront(n: number): void {
    if (n > this.len) n = this.len;
    if (n <= 0) return;
    const items = this.items;
    const mask = this.mask;
    for (let j = 0; j < n; j++) {
      const slot = (this.head + j) & mask;
      this.bytes -= this.sizeOf(items[slot] as T);
      items[slot] = undefined;
    }
    this.head = (this.head + n) & mask;
    this.len -= n;
    this.maybeShrink();
  }

  /** Removes `n` elements from the tail (clamped to the length). */
  dropBack(n: number): void {
    if (n > this.len) n = this.len;
    if (n <= 0) return;
    const items = this.items;
    const mask = this.mask;
    const end = this.len;
    for (let j = end - n; j < end; j++) {
      const slot = (this.head + j) & mask;
      this.bytes -= this.sizeOf(items[slot] as T);
      items[slot] = undefined;
    }
    this.len -= n;
    this.maybeShrink();
  }

  /** Removes up to `n` head elements and returns them head first. */
  popFrontMany(n: number): T[] {
    if (n > this.len) n = this.len;
    const out = this.slice(0, n);
    this.dropFront(n);
    return out;
  }

  /** Removes up to `n` tail elements and returns them tail first (RPOP's order). */
  popBackMany(n: number): T[] {
    if (n > this.len) n = this.len;
    const out: T[] = [];
    const items = this.items;
    const mask = this.mask;
    for (let j = this.len - 1, k = 0; k < n; j--, k++) out.push(items[(this.head + j) & mask] as T);
    this.dropBack(n);
    return out;
  }

  /** A new array of the elements at logical start..end−1 (bounds clamped). */
  slice(start = 0, end = this.len): T[] {
    if (start < 0) start = 0;
    if (end > this.len) end = this.len;
    const out: T[] = [];
    const items = this.items;
    const mask = this.mask;
    const head = this.head;
    for (let j = start; j < end; j++) out.push(items[(head + j) & mask] as T);
    return out;
  }

  /** All elements, head first, in a new array. */
  toArray(): T[] {
    return this.slice(0, this.len);
  }

  /** Removes every element and returns to the minimum capacity. */
  clear(): void {
    this.items = new Array<T | undefined>(MIN_CAPACITY);
    this.mask = MIN_CAPACITY - 1;
    this.head = 0;
    this.len = 0;
    this.bytes = 0;
  }

  /** Appends every element of `values` at the tail. */
  pushAllBack(values: readonly T[]): void {
    this.reserve(this.len + values.length);
    for (let i = 0; i < values.length; i++) this.pushBack(values[i]);
  }

  /** Ensures room for `n` elements without further growth. */
  reserve(n: number): void {
    if (n > this.items.length) this.resize(capacityFor(n));
  }

  /** Halves the capacity while at most a quarter of it is used. */
  protected maybeShrink(): void {
    if (this.len <= this.items.length >>> 2 && this.items.length > MIN_CAPACITY) this.shrink();
  }

  private shrink(): void {
    let cap = this.items.length;
    while (cap > MIN_CAPACITY && this.len <= cap >>> 2) cap >>>= 1;
    this.resize(cap);
  }

  /** Moves the elements into a new array of capacity `cap` (≥ length), head at slot 0. */
  protected resize(cap: number): void {
    const old = this.items;
    const mask = this.mask;
    const head = this.head;
    const len = this.len;
    const next = new Array<T | undefined>(cap);
    for (let j = 0; j < len; j++) next[j] = old[(head + j) & mask];
    this.items = next;
    this.mask = cap - 1;
    this.head = 0;
  }
}
