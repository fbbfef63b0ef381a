import { pnorm, qnorm } from '../distributions.ts';

/** Lan-DeMets spending families. */
export type SpendingType = 'obf' | 'pocock';
export type Sides = 1 | 2;

/**
 * Cumulative type-I error spent by information rate t, counting both tails when sides = 2.
 *
 * rpact's convention (getDesignGroupSequential, typeOfDesign "asOF"/"asP"): the spent alpha is
 * sides · f(t; α/sides), where the O'Brien-Fleming-type f(t; a) = 2(1 − Φ(Φ⁻¹(1 − a/2)/√t)) and the
 * Pocock-type f(t; a) = a·ln(1 + (e − 1)t) (Lan & DeMets 1983). For two-sided OBF this is
 * 4(1 − Φ(Φ⁻¹(1 − α/4)/√t)), not 2 − 2Φ(z_{1−α/2}/√t).
 * Past the planned maximum information (t > 1) the whole α is spent, so an over-running final look
 * uses everything left.
 */
export function alphaSpent(type: SpendingType, t: number, alpha: number, sides: Sides): number {
  if (!(t > 0)) return 0;
  const rate = Math.min(t, 1);
  const a = alpha / sides;
  if (type === 'pocock') return sides * a * Math.log(1 + (Math.E - 1) * rate);
  // Upper tail as Φ(−x) keeps its digits when x is large (early looks spend ~1e-6).
  return sides * 2 * pnorm(-qnorm(1 - a / 2) / Math.sqrt(rate));
}
