import { describe, expect, it } from 'vitest';
import { eValueForHazardRatio, eValueOfRiskRatio, riskRatioFromHazardRatio } from '../../src/stats/evalue.ts';

describe('E-value (VanderWeele & Ding 2017)', () => {
  it("reproduces the paper's worked examples", () => {
    // Breastfeeding and respiratory death: RR 3.9 (95% CI 1.8 to 8.7); E = 3.9 + √(3.9·2.9) ≈ 7.26, and 3.0 for the CI.
    expect(eValueOfRiskRatio(3.9)).toBeCloseTo(3.9 + Math.sqrt(3.9 * 2.9), 14);
    expect(eValueOfRiskRatio(3.9).toFixed(2)).toBe('7.26');
    expect(eValueOfRiskRatio(1.8)).toBeCloseTo(3.0, 12);
    // Smoking and lung cancer (Hammond & Horn): RR 10.73 gives 20.95.
    expect(eValueOfRiskRatio(10.73).toFixed(2)).toBe('20.95');
  });

  it('rare outcome: the HR is used as the risk ratio, with the lower limit for HR > 1', () => {
    const e = eValueForHazardRatio(3.9, { lower: 1.8, upper: 8.7 }, 'rare');
    expect(e.estimate).toBeCloseTo(7.26, 2);
    expect(e.limit).toBeCloseTo(3.0, 12);
    expect(e.limitUsed).toBe('lower');
  });

  it('is symmetric: HR and 1/HR (with the mirrored interval) have the same E-values', () => {
    for (const outcome of ['rare', 'common'] as const) {
      const a = eValueForHazardRatio(0.64, { lower: 0.45, upper: 0.91 }, outcome);
      const b = eValueForHazardRatio(1 / 0.64, { lower: 1 / 0.91, upper: 1 / 0.45 }, outcome);
      expect(a.estimate).toBeCloseTo(b.estimate, 12);
      expect(a.limit).toBeCloseTo(b.limit, 12);
      expect(a.limitUsed).toBe('upper');
      expect(b.limitUsed).toBe('lower');
    }
  });

  it('common outcome: converts by (1 − 0.5^√HR)/(1 − 0.5^√(1/HR)) first', () => {
    const hr = 0.64;
    const rr = (1 - 0.5 ** Math.sqrt(hr)) / (1 - 0.5 ** Math.sqrt(1 / hr));
    expect(riskRatioFromHazardRatio(hr, 'common')).toBeCloseTo(rr, 15);
    const e = eValueForHazardRatio(hr, { lower: 0.45, upper: 0.91 }, 'common');
    expect(e.estimate).toBeCloseTo(1 / rr + Math.sqrt((1 / rr) * (1 / rr - 1)), 12);
    // The conversion pulls the ratio toward 1, so the common-outcome E-value is smaller.
    expect(e.estimate).toBeLessThan(eValueForHazardRatio(hr, { lower: 0.45, upper: 0.91 }, 'rare').estimate);
    // The conversion maps 1 to 1 and is its own mirror: RR(1/HR) = 1/RR(HR).
    expect(riskRatioFromHazardRatio(1, 'common')).toBe(1);
    expect(riskRatioFromHazardRatio(1 / hr, 'common')).toBeCloseTo(1 / rr, 14);
  });

  it('gives 1 for the limit when the interval includes 1, and 1 for a null estimate', () => {
    expect(eValueForHazardRatio(0.8, { lower: 0.6, upper: 1.05 }, 'rare').limit).toBe(1);
    expect(eValueForHazardRatio(1.3, { lower: 1, upper: 1.7 }, 'rare').limit).toBe(1);
    const nul = eValueForHazardRatio(1, { lower: 0.8, upper: 1.25 }, 'common');
    expect(nul.estimate).toBe(1);
    expect(nul.limitUsed).toBeNull();
  });

  it('rejects impossible input with a specific message', () => {
    expect(() => eValueForHazardRatio(-1, { lower: 0.5, upper: 2 }, 'rare')).toThrow(/hazard ratio must be a positive/);
    expect(() => eValueForHazardRatio(2, { lower: 2.5, upper: 3 }, 'rare')).toThrow(/does not contain/);
    expect(() => eValueOfRiskRatio(Number.NaN)).toThrow(/risk ratio/);
  });
});
