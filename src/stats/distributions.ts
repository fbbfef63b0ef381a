// Distribution functions come from stdlib (well-kept, accurate in the tails); survival methods are ours.
import gammainc from '@stdlib/math-base-special-gammainc';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import erfcinv from '@stdlib/math-base-special-erfcinv';
import chisqQuantileFn from '@stdlib/stats-base-dists-chisquare-quantile';

/** Standard normal CDF Φ(x). */
export function pnorm(x: number): number {
  return normalCdf(x, 0, 1);
}

/**
 * Standard normal quantile Φ⁻¹(p), through erfcinv on the nearer tail: stdlib's normal quantile goes
 * through erfinv(2p − 1), where 2p − 1 rounds to −1 below p ≈ 1e-16 and returns −∞. Extreme tails are
 * what early O'Brien-Fleming looks need (alpha spent at t = 1/12 is ~1e-23).
 */
export function qnorm(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  return p < 0.5 ? -Math.SQRT2 * erfcinv(2 * p) : Math.SQRT2 * erfcinv(2 * (1 - p));
}

/** Two-sided normal p-value 2·Φ(−|z|); computed on the lower tail so tiny p keep their digits. */
export function pnormTwoSided(z: number): number {
  return 2 * normalCdf(-Math.abs(z), 0, 1);
}

/**
 * Upper tail P(X > x) of a chi-square with df degrees of freedom, as the regularized upper incomplete
 * gamma Q(df/2, x/2), not 1 − CDF, so p-values far below 1e-12 stay accurate (R's pchisq(lower=FALSE)).
 */
export function pchisqUpper(x: number, df: number): number {
  if (!(df > 0)) return Number.NaN;
  if (x <= 0) return 1;
  if (!Number.isFinite(x)) return 0;
  return gammainc(x / 2, df / 2, true, true);
}

/** Chi-square quantile. */
export function qchisq(p: number, df: number): number {
  return chisqQuantileFn(p, df);
}

/** qnorm(0.975), the 1.96 of R's default 95% intervals. */
export const Z975 = qnorm(0.975);
