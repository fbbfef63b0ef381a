/**
 * Mulberry32 (Tommy Ettinger): a tiny seeded generator of uniforms in [0, 1), for fabricating test
 * fixtures and benchmark data. The simulator has its own keyed xoshiro streams (src/sim/prng.ts);
 * this one only needs to be small and deterministic.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
