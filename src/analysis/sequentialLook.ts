import { alphaSpent, currentBoundary, repeatedConfidenceInterval } from '../stats/sequential/index.ts';
import type { PrimaryEstimand } from './plan.ts';

export interface SequentialLook {
  /** t = events / planned events, capped at 1. */
  readonly informationFraction: number;
  /** Two-sided critical |z| of this look; Infinity when the look adds no information (spends no alpha). */
  readonly boundaryZ: number;
  /** Repeated CI on the HR scale (Jennison & Turnbull 2000, ch. 9); null when the boundary is infinite. */
  readonly repeatedLower: number | null;
  readonly repeatedUpper: number | null;
}

// O'Brien-Fleming spending releases almost nothing early: with alpha 0.05/6 it has spent < 1e-12 up
// to t ~ 0.1, a boundary beyond |z| = 7 that no estimate reaches. Such a look is treated as spending
// nothing (infinite boundary) and is left out of later looks' recursion, whose boundaries it would
// move by less than the integration's own error.
const MIN_SPEND = 1e-12;
const spends = (t: number, alpha: number) => alphaSpent('obf', t, alpha, 2);

/**
 * The boundary of this look for a primary estimand, from the information fractions of its earlier looks
 * (Lan-DeMets O'Brien-Fleming spending of the estimand's alpha share). Events beyond the planned number
 * keep t at 1: the last alpha is spent at the look that first reaches it, later looks spend nothing.
 */
export function sequentialLook(estimand: PrimaryEstimand, events: number, previousLooks: readonly number[], coef: number, se: number): SequentialLook {
  const t = Math.min(1, events / estimand.plannedEvents);
  const last = previousLooks.at(-1) ?? 0;
  if (!(t > last) || t <= 0 || spends(t, estimand.alpha) < MIN_SPEND) {
    return { informationFraction: t, boundaryZ: Infinity, repeatedLower: null, repeatedUpper: null };
  }
  const previous = previousLooks.filter((r) => spends(r, estimand.alpha) >= MIN_SPEND);
  const look = currentBoundary({ previousRates: previous, currentRate: t, alpha: estimand.alpha, sides: 2, type: 'obf' });
  const boundaryZ = look.critical;
  if (!Number.isFinite(boundaryZ) || !Number.isFinite(coef) || !(se > 0) || !Number.isFinite(se)) {
    return { informationFraction: t, boundaryZ, repeatedLower: null, repeatedUpper: null };
  }
  const rci = repeatedConfidenceInterval(coef, se, boundaryZ);
  return { informationFraction: t, boundaryZ, repeatedLower: rci.hr.lower, repeatedUpper: rci.hr.upper };
}
