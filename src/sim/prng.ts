/**
 * Seeded pseudo-random numbers for the simulator, with no dependency: xoshiro128** (Blackman & Vigna,
 * "Scrambled linear pseudorandom number generators", ACM TOMS 2021) seeded through SplitMix32.
 *
 * Why our own ~40 lines rather than a package: the simulator needs many independent streams (one per
 * patient, so that patient i is the same whatever N is and whatever else is simulated) keyed by
 * (seed, stream, index). That is a hash of the key into the 128-bit state, which is simplest to own.
 * xoshiro128** uses only 32-bit integer operations (Math.imul), passes BigCrush, and its period 2^128-1
 * is far beyond the ~10^9 draws of the largest run (1,000,000 patients).
 */

export interface Rng {
  /** Uniform on the open interval (0, 1), 53 bits: never 0 or 1, so log(u) is always finite. */
  uniform(): number;
}

// SplitMix32 finaliser (Steele, Lea & Flood 2014; the 32-bit variant): a bijective avalanche mix.
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** Hash of a key of 32-bit words: different keys give unrelated states. */
function hashKey(words: readonly number[], salt: number): number {
  let h = mix32(salt);
  for (const w of words) h = mix32((h ^ (w >>> 0)) >>> 0);
  return h;
}

class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(key: readonly number[]) {
    this.s0 = hashKey(key, 1);
    this.s1 = hashKey(key, 2);
    this.s2 = hashKey(key, 3);
    this.s3 = hashKey(key, 4);
    // The all-zero state is the one forbidden state; a hash reaching it is astronomically unlikely.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  private next(): number {
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

  uniform(): number {
    const hi = this.next() >>> 5; // 27 bits
    const lo = this.next() >>> 6; // 26 bits
    return (hi * 67108864 + lo + 0.5) / 9007199254740992;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A stream keyed by integers, e.g. (seed, STREAM_PATIENT, patientIndex). Seeds are taken modulo 2^32. */
export function createRng(...key: number[]): Rng {
  return new Xoshiro128(key.map((k) => (Number.isSafeInteger(k) ? k % 4294967296 : 0)));
}

/** Stream tags: one per independent use of randomness in the simulator. */
export const STREAM = { accrual: 1, patient: 2, visit: 3, redelivery: 4, centre: 5 } as const;

/**
 * A uniform on (0, 1) that is a pure function of its key (a counter-based draw): used where keeping a
 * generator's state per patient would cost memory, e.g. the jitter of a patient's k-th visit.
 */
export function uniformAt(...key: number[]): number {
  const words = key.map((k) => (Number.isSafeInteger(k) ? k % 4294967296 : 0));
  const hi = hashKey(words, 5) >>> 5;
  const lo = hashKey(words, 6) >>> 6;
  return (hi * 67108864 + lo + 0.5) / 9007199254740992;
}
