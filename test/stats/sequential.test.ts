import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { qnorm } from '../../src/stats/distributions.ts';
import {
  alphaSpent,
  currentBoundary,
  groupSequentialDesign,
  repeatedConfidenceInterval,
  type SpendingType,
} from '../../src/stats/sequential/index.ts';

interface RpactDesign {
  id: string;
  typeOfDesign: 'asOF' | 'asP';
  alpha: number;
  sided: 1 | 2;
  informationRates: number[];
  criticalValues: number[];
  alphaSpent_cumulative: number[];
  stageLevels_one_sided: number[];
  spending_closed_form: number[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/reference/expected/group_sequential.json', import.meta.url), 'utf8'),
) as { designs: RpactDesign[] };

const typeOf = (d: RpactDesign): SpendingType => (d.typeOfDesign === 'asOF' ? 'obf' : 'pocock');
const relDiff = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('group-sequential boundaries against rpact 3.3.4', () => {
  it('covers all 16 designs of the fixture', () => {
    expect(fixture.designs).toHaveLength(16);
  });

  for (const d of fixture.designs) {
    describe(d.id, () => {
      const design = groupSequentialDesign({ informationRates: d.informationRates, alpha: d.alpha, sides: d.sided, type: typeOf(d) });

      it('critical values to 1e-6 relative', () => {
        design.looks.forEach((look, k) => expect(relDiff(look.critical, d.criticalValues[k])).toBeLessThan(1e-6));
      });
      it('cumulative alpha spent to 1e-6', () => {
        design.looks.forEach((look, k) => expect(Math.abs(look.cumulativeAlpha - d.alphaSpent_cumulative[k])).toBeLessThan(1e-6));
      });
      it('one-sided stage levels to 1e-6 relative', () => {
        design.looks.forEach((look, k) => expect(relDiff(look.stageLevelOneSided, d.stageLevels_one_sided[k])).toBeLessThan(1e-6));
      });
      it('spending function equals the closed form', () => {
        d.informationRates.forEach((t, k) => {
          expect(relDiff(alphaSpent(typeOf(d), t, d.alpha, d.sided), d.spending_closed_form[k])).toBeLessThan(1e-10);
        });
      });
      it('spends exactly the spending function (root found to far better than rpact tolerance)', () => {
        design.looks.forEach((look, k) => {
          expect(Math.abs(look.cumulativeAlpha - alphaSpent(typeOf(d), d.informationRates[k], d.alpha, d.sided))).toBeLessThan(1e-11);
        });
      });
    });
  }

  it('two-sided Pocock differs from one-sided at half alpha, as rpact counts both tails', () => {
    const two = groupSequentialDesign({ informationRates: [0.25, 0.5, 0.75, 1], alpha: 0.05, sides: 2, type: 'pocock' });
    const one = groupSequentialDesign({ informationRates: [0.25, 0.5, 0.75, 1], alpha: 0.025, sides: 1, type: 'pocock' });
    expect(two.looks[3].critical).toBeCloseTo(2.350030, 6);
    expect(one.looks[3].critical).toBeCloseTo(2.350036, 6);
  });
});

describe('single look and monitoring', () => {
  it('a single final look is the fixed-sample test', () => {
    for (const type of ['obf', 'pocock'] as const) {
      const two = groupSequentialDesign({ informationRates: [1], alpha: 0.05, sides: 2, type });
      expect(two.looks[0].critical).toBeCloseTo(qnorm(0.975), 10);
      const one = groupSequentialDesign({ informationRates: [1], alpha: 0.025, sides: 1, type });
      expect(one.looks[0].critical).toBeCloseTo(qnorm(0.975), 10);
    }
  });

  it('the current boundary equals the full design recomputed with that look, and earlier looks never move', () => {
    const rates = [0.3, 0.45, 0.8, 1];
    const full = groupSequentialDesign({ informationRates: rates, alpha: 0.05, sides: 2, type: 'obf' });
    for (let k = 0; k < rates.length; k++) {
      const now = currentBoundary({ previousRates: rates.slice(0, k), currentRate: rates[k], alpha: 0.05, sides: 2, type: 'obf' });
      expect(now.critical).toBe(full.looks[k].critical);
      expect(now.cumulativeAlpha).toBeCloseTo(full.looks[k].cumulativeAlpha, 14);
    }
  });

  it('unplanned look positions are handled (any information rates)', () => {
    const d = groupSequentialDesign({ informationRates: [0.1, 0.37, 0.52, 0.9, 1], alpha: 0.05, sides: 2, type: 'obf' });
    d.looks.forEach((look) => expect(look.cumulativeAlpha).toBeCloseTo(alphaSpent('obf', look.informationRate, 0.05, 2), 11));
    for (let k = 1; k < d.looks.length; k++) expect(d.looks[k].critical).toBeLessThan(d.looks[k - 1].critical);
  });

  it('an over-running look spends all that is left; a look after it cannot reject', () => {
    const d = groupSequentialDesign({ informationRates: [0.5, 1.1, 1.2], alpha: 0.05, sides: 2, type: 'pocock' });
    expect(d.looks[1].cumulativeAlpha).toBeCloseTo(0.05, 11);
    expect(d.looks[2].critical).toBe(Infinity);
    expect(d.looks[2].cumulativeAlpha).toBe(d.looks[1].cumulativeAlpha);
  });

  it('rejects bad specifications with a specific message', () => {
    const base = { alpha: 0.05, sides: 2 as const, type: 'obf' as const };
    expect(() => groupSequentialDesign({ ...base, informationRates: [0.5, 0.4] })).toThrow(/must increase/);
    expect(() => groupSequentialDesign({ ...base, informationRates: [0, 1] })).toThrow(/positive/);
    expect(() => groupSequentialDesign({ ...base, informationRates: [] })).toThrow(/at least one/);
    expect(() => groupSequentialDesign({ ...base, alpha: 0.7, informationRates: [1] })).toThrow(/alpha must be/);
  });
});

describe('repeated confidence intervals', () => {
  it('is β ± c·se on the log scale and exponentiates to the HR scale', () => {
    const ci = repeatedConfidenceInterval(Math.log(0.64), 0.2, 2.9631315991282463);
    expect(ci.logHr.lower).toBeCloseTo(Math.log(0.64) - 2.9631315991282463 * 0.2, 14);
    expect(ci.hr.upper).toBeCloseTo(Math.exp(Math.log(0.64) + 2.9631315991282463 * 0.2), 14);
    expect(ci.hr.estimate).toBeCloseTo(0.64, 14);
  });

  it('excludes HR = 1 exactly when |z| crosses the boundary', () => {
    const c = 2.0140901431441307;
    const se = 0.1;
    expect(repeatedConfidenceInterval(-(c + 1e-9) * se, se, c).hr.upper).toBeLessThan(1);
    expect(repeatedConfidenceInterval(-(c - 1e-9) * se, se, c).hr.upper).toBeGreaterThan(1);
  });

  it('rejects a non-positive standard error', () => {
    expect(() => repeatedConfidenceInterval(0.1, 0, 2)).toThrow(/standard error/);
  });
});
