/*
 * The seeded PRNG that owns all randomness in a simulation (xoshiro128**,
 * seeded through splitmix32). Nothing simulated may call Math.random.
 *   new Prng(seed)   a generator; same seed, same sequence
 *   nextU32()        a uniform 32-bit unsigned integer
 *   below(n)         a uniform integer in [0, n)
 *   fraction()       a uniform float in [0, 1)
 *   fork()           an independent stream derived from this one
 *   RandomSource, randomSource(prng)   the four methods alone: what an actor's context offers
 */

function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [state, (z ^ (z >>> 16)) >>> 0];
}

export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`PRNG seed must be an integer, got ${seed}`);
    let state = (seed ^ Math.floor(seed / 0x100000000)) | 0;
    let out: number;
    [state, out] = splitmix32(state); this.s0 = out;
    [state, out] = splitmix32(state); this.s1 = out;
    [state, out] = splitmix32(state); this.s2 = out;
    [state, out] = splitmix32(state); this.s3 = out;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform integer in [0, n), without modulo bias. */
  below(n: number): number {
    if (!(n >= 1 && n <= 0x100000000 && Number.isInteger(n))) throw new RangeError(`below(${n})`);
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  fraction(): number {
    return this.nextU32() / 0x100000000;
  }

  fork(): Prng {
    return new Prng(this.nextU32() * 0x100000 + (this.nextU32() & 0xfffff));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The kernel's PRNG as an actor sees it: draws only, no way to reseed or read the state. */
export interface RandomSource {
  nextU32(): number;
  below(n: number): number;
  fraction(): number;
  fork(): Prng;
}

export function randomSource(prng: Prng): RandomSource {
  return Object.freeze({
    nextU32: () => prng.nextU32(),
    below: (n: number) => prng.below(n),
    fraction: () => prng.fraction(),
    fork: () => prng.fork(),
  });
}
