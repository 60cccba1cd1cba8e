/**
 * Redis's script PRNG (rand.c, derived from drand48): a 48-bit linear
 * congruential generator, x' = (0x5DEECE66D·x + 0xB) mod 2^48, returning the top
 * 31 bits. Redis replaces math.random with it so that a seed gives the same
 * sequence on every platform; we reproduce it exactly. The 48-bit state is kept
 * as two 24-bit halves so all arithmetic stays exact in doubles.
 */
const TWO_24 = 0x1000000;
const A_LO = 0xece66d;
const A_HI = 0x5de;

/** One generator (Redis keeps one per server; we keep one per engine). */
export class Rand48 {
  private hi = 0x1234ab;
  private lo = 0xcd330e;

  /** redisSrand48: the seed's 32 bits above the fixed low 16 bits 0x330E. */
  seed(seed: number): void {
    const s = seed >>> 0;
    // x = (s << 16) | 0x330E, split at bit 24.
    this.lo = ((s & 0xff) << 16) | 0x330e;
    this.hi = s >>> 8;
  }

  /** redisLrand48: the next value in [0, 2^31). */
  next(): number {
    const p = this.lo * A_LO + 0xb;
    const lo = p % TWO_24;
    const carry = Math.floor(p / TWO_24);
    this.hi = (carry + this.hi * A_LO + this.lo * A_HI) % TWO_24;
    this.lo = lo;
    return this.hi * 128 + (lo >>> 17);
  }
}
