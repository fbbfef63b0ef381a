/**
 * E-values for a hazard ratio (VanderWeele & Ding 2017, Ann Intern Med 167:268; Table and eq. for HR).
 *
 * The E-value is the minimum strength of association, on the risk-ratio scale, that an unmeasured
 * confounder would need with both treatment and outcome to explain away the observed association:
 * E = RR + √(RR·(RR − 1)) for RR ≥ 1, applied to 1/RR when RR < 1.
 * A hazard ratio is used as a risk ratio when the outcome is rare (< 15% by the end of follow-up);
 * otherwise it is first converted by RR ≈ (1 − 0.5^√HR) / (1 − 0.5^√(1/HR)).
 * The interval's E-value uses the limit closest to 1, and is 1 when the interval contains 1.
 */
export type OutcomeFrequency = 'rare' | 'common';

export interface EValue {
  outcome: OutcomeFrequency;
  /** The risk ratio the E-value was computed from (the HR itself when rare). */
  riskRatio: number;
  /** E-value of the point estimate. */
  estimate: number;
  /** E-value of the confidence limit closest to 1 (1 when the interval includes 1). */
  limit: number;
  /** Which limit was used: the lower one for HR > 1, the upper one for HR < 1; null when HR = 1. */
  limitUsed: 'lower' | 'upper' | null;
}

/** E-value of a risk ratio (either side of 1). */
export function eValueOfRiskRatio(rr: number): number {
  assertPositive(rr, 'risk ratio');
  const r = rr >= 1 ? rr : 1 / rr;
  return r + Math.sqrt(r * (r - 1));
}

/** A hazard ratio on the risk-ratio scale: itself for a rare outcome, VanderWeele's conversion otherwise. */
export function riskRatioFromHazardRatio(hr: number, outcome: OutcomeFrequency): number {
  assertPositive(hr, 'hazard ratio');
  if (outcome === 'rare') return hr;
  return (1 - Math.pow(0.5, Math.sqrt(hr))) / (1 - Math.pow(0.5, Math.sqrt(1 / hr)));
}

export function eValueForHazardRatio(
  hr: number,
  ci: { lower: number; upper: number },
  outcome: OutcomeFrequency,
): EValue {
  if (outcome !== 'rare' && outcome !== 'common') throw new Error(`outcome must be "rare" or "common", got "${String(outcome)}"`);
  assertPositive(hr, 'hazard ratio');
  assertPositive(ci.lower, 'lower confidence limit');
  assertPositive(ci.upper, 'upper confidence limit');
  if (!(ci.lower <= hr && hr <= ci.upper)) {
    throw new Error(`confidence interval (${ci.lower}, ${ci.upper}) does not contain the hazard ratio ${hr}`);
  }
  const riskRatio = riskRatioFromHazardRatio(hr, outcome);
  const estimate = eValueOfRiskRatio(riskRatio);
  if (hr === 1) return { outcome, riskRatio, estimate, limit: 1, limitUsed: null };
  const limitUsed = hr > 1 ? 'lower' : 'upper';
  const bound = limitUsed === 'lower' ? ci.lower : ci.upper;
  const crossesOne = limitUsed === 'lower' ? bound <= 1 : bound >= 1;
  const limit = crossesOne ? 1 : eValueOfRiskRatio(riskRatioFromHazardRatio(bound, outcome));
  return { outcome, riskRatio, estimate, limit, limitUsed };
}

function assertPositive(x: number, what: string): void {
  if (!(Number.isFinite(x) && x > 0)) throw new Error(`${what} must be a positive finite number, got ${x}`);
}
