import { describe, expect, it } from 'vitest';
import { pchisqUpper, pnorm, pnormTwoSided, qnorm, Z975 } from '../../src/stats/distributions.ts';
import { groupSequentialDesign } from '../../src/stats/sequential/index.ts';

describe('normal quantile', () => {
  it('is 1.959963984540054 at 0.975, as R qnorm(.975)', () => {
    expect(Z975).toBeCloseTo(1.959963984540054, 14);
  });

  it('inverts pnorm far into both tails (early O\'Brien-Fleming looks spend ~1e-23)', () => {
    for (const p of [1e-40, 1e-23, 1e-17, 1e-10, 0.01, 0.3, 0.5, 0.7, 0.99]) {
      expect(pnorm(qnorm(p)) / p).toBeCloseTo(1, 12);
    }
    expect(qnorm(1e-23)).toBeCloseTo(-9.97304561984, 9); // R: qnorm(1e-23)
  });

  it('is NaN outside [0, 1] and infinite at the ends', () => {
    expect(qnorm(-0.1)).toBeNaN();
    expect(qnorm(0)).toBe(-Infinity);
    expect(qnorm(1)).toBe(Infinity);
  });
});

describe('tails', () => {
  it('keeps digits of tiny p-values (upper tails, not 1 − CDF)', () => {
    expect(pnormTwoSided(10) / 1.523970604832105e-23).toBeCloseTo(1, 10); // R: 2*pnorm(-10)
    expect(pchisqUpper(100, 1) / 1.523970604832105e-23).toBeCloseTo(1, 8); // chi-square 1 df = z²
  });
});

describe('group-sequential design with many looks', () => {
  it('gives finite, decreasing O\'Brien-Fleming boundaries for 12 quarterly looks at alpha 0.05/6', () => {
    const rates = Array.from({ length: 12 }, (_, i) => (i + 1) / 12);
    const design = groupSequentialDesign({ informationRates: rates, alpha: 0.05 / 6, sides: 2, type: 'obf' });
    const critical = design.looks.map((look) => look.critical);
    expect(critical.every(Number.isFinite)).toBe(true);
    for (let i = 1; i < critical.length; i++) expect(critical[i]).toBeLessThan(critical[i - 1]);
    expect(design.looks[11].cumulativeAlpha).toBeCloseTo(0.05 / 6, 9);
  });
});
