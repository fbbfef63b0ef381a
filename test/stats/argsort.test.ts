// argsortFloat64 sorts small inputs by comparison and large ones by radix: both give the same stable
// order (-0 ties +0, NaN last, ties in index order).
import { describe, expect, it } from 'vitest';
import { argsortFloat64, RADIX_FROM } from '../../src/stats/cox/argsort.ts';

describe('argsortFloat64', () => {
  it('orders a small input as the radix path orders it', () => {
    let state = 12345;
    const next = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const special = [Number.NaN, -0, 0, Infinity, -Infinity];
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + Math.floor(next() * 400);
      const keys = Float64Array.from({ length: n }, () => (next() < 0.3 ? special[Math.floor(next() * special.length)] : Math.round((next() - 0.5) * 40) / 3));
      // The same keys padded with NaN past the radix threshold: NaN sorts last and ties keep index order,
      // so the first n indices of the radix order are the small input's order.
      const padded = new Float64Array(RADIX_FROM + 1).fill(Number.NaN);
      padded.set(keys);
      const small = argsortFloat64(keys);
      expect(Array.from(small)).toEqual(Array.from(argsortFloat64(padded).subarray(0, n)));
      for (let k = 1; k < n; k++) {
        const [a, b] = [keys[small[k - 1]], keys[small[k]]];
        expect(a < b || (a === b && small[k - 1] < small[k]) || Number.isNaN(b)).toBe(true);
      }
    }
  });
});
