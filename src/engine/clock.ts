/** Time source for the engine. Tests inject a {@link ManualClock} and move time instead of sleeping. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: Date.now };

/** A clock that only moves when told to: for deterministic TTL and idle-time tests. */
export class ManualClock implements Clock {
  constructor(private time = 1_700_000_000_000) {}
  now(): number {
    return this.time;
  }
  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.time += ms;
  }
  /** Sets the absolute time in ms. */
  set(ms: number): void {
    this.time = ms;
  }
}
