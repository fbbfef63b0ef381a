import { describe, expect, it } from 'vitest';
import { timefix, timefixSorted } from '../../src/stats/timefix.ts';

const eps = 1e-9; // below sqrt(.Machine$double.eps) ≈ 1.49e-8

describe('timefix (R aeqSurv)', () => {
  it('merges a chain of near-equal times into the first of the run', () => {
    const [fixed] = timefix([Float64Array.from([5 + 2 * eps, 1, 5, 5 + eps, 7, Infinity])]);
    expect(Array.from(fixed)).toEqual([5, 1, 5, 5, 7, Infinity]);
  });

  it('shares one rule across start and stop columns', () => {
    const [stop, start] = timefix([Float64Array.from([2 + eps, 4]), Float64Array.from([0, 2])]);
    expect(Array.from(stop)).toEqual([2, 4]);
    expect(Array.from(start)).toEqual([0, 2]);
  });

  it('uses the relative rule: gaps small against mean(|times|) merge too', () => {
    const [fixed] = timefix([Float64Array.from([1e9, 1e9 + 1, 3e9])]);
    expect(Array.from(fixed)).toEqual([1e9, 1e9, 3e9]);
  });

  it('returns the input itself when nothing merges', () => {
    const times = Float64Array.from([3, 1, 2]);
    expect(timefix([times])[0]).toBe(times);
    expect(timefixSorted(times, Int32Array.from([1, 2, 0]))).toBe(times);
  });

  it('gives the same answer from a known sort order', () => {
    const times = Float64Array.from([5 + 2 * eps, 1, 5, 5 + eps, 7]);
    const order = Int32Array.from([1, 2, 3, 0, 4]);
    expect(Array.from(timefixSorted(times, order))).toEqual(Array.from(timefix([times])[0]));
  });
});
