import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogRankError, logRankTest } from '../../src/stats/logrank.ts';

const SEED = { seed: 20261126, numRuns: 100 };
const rowsArbitrary = fc.array(fc.record({ time: fc.integer({ min: 1, max: 30 }), event: fc.integer({ min: 0, max: 1 }), group: fc.integer({ min: 0, max: 2 }) }), { minLength: 6, maxLength: 60 });

function test(rows: { time: number; event: number; group: number }[], relabel: (g: number) => number = (g) => g) {
  return logRankTest({
    time: Float64Array.from(rows, (r) => r.time),
    event: Uint8Array.from(rows, (r) => r.event),
    group: { codes: Int32Array.from(rows, (r) => relabel(r.group)), labels: ['a', 'b', 'c'] },
  });
}

describe('log-rank properties', () => {
  it('χ² does not depend on which group is listed first, nor on row order', () => {
    fc.assert(
      fc.property(rowsArbitrary, (rows) => {
        let base;
        try {
          base = test(rows);
        } catch (error) {
          expect(error).toBeInstanceOf(LogRankError);
          return;
        }
        const swapped = test(rows, (g) => (g + 1) % 3);
        expect(swapped.chisq).toBeCloseTo(base.chisq, 9);
        expect(swapped.df).toBe(base.df);
        expect(test([...rows].reverse()).chisq).toBeCloseTo(base.chisq, 9);
        expect(base.observed.reduce((a, b) => a + b, 0)).toBeCloseTo(base.expected.reduce((a, b) => a + b, 0), 9);
      }),
      SEED,
    );
  });

  it('refuses a single group instead of reporting χ² = 0 on 0 df', () => {
    expect(() => test([{ time: 1, event: 1, group: 0 }, { time: 2, event: 0, group: 0 }])).toThrow(LogRankError);
  });
});
