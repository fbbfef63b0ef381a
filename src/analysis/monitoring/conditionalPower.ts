import { pnorm } from '../../stats/distributions.ts';

/**
 * Conditional power of rejecting at the final analysis given the look so far, in the B-value form of
 * Lan & Wittes (1988) (Jennison & Turnbull 2000, sec. 10.2): with information fraction t, oriented
 * statistic B = z·sqrt(t) and drift theta (the expected z at full information),
 *   CP = 1 - Phi((c - B - theta (1 - t)) / sqrt(1 - t)),
 * c the final analysis' critical value. Future interim boundaries are ignored (the usual, slightly
 * conservative, convention of rpact's getConditionalPower and of gsDesign's gsCP).
 */
export function conditionalPower(opts: { z: number; t: number; drift: number; finalCritical: number }): number {
  const { z, t, drift, finalCritical } = opts;
  const b = z * Math.sqrt(t);
  return pnorm((b + drift * (1 - t) - finalCritical) / Math.sqrt(1 - t));
}
