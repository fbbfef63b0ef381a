import { pnorm } from '../distributions.ts';
import { continuationGrid, type Grid } from './grid.ts';

/**
 * The sub-density of Z_k on the continuation region at look k under H0 (no boundary crossed at looks
 * 1..k), held on a Simpson grid: Armitage, McPherson & Rowe (1969); Jennison & Turnbull (2000), ch 19.
 * Information enters only through the rates t_k (the canonical joint distribution of Z_1..Z_K:
 * Z_k√t_k has independent N(0, t_k − t_{k−1}) increments).
 */
export interface LookDensity {
  grid: Grid;
  h: Float64Array;
  rate: number;
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Standardised distance beyond which a grid point's term is left out of a sum: the normal kernel there
 * is below exp(-15²/2) ≈ 2e-49 and the tail Φ(-15) ≈ 4e-51, while the masses summed are sub-probabilities
 * (Σ w·h ≤ 1), so the sums move by less than 1e-48, some 36 orders of magnitude below the smallest alpha
 * a look spends (MIN_SPEND, 1e-12). Looks a few events apart have a kernel a small fraction of the grid
 * wide: skipping the rest makes a quarterly monitoring series' recursion several times cheaper.
 */
export const NEGLIGIBLE_Z = 15;

/** First index of the ascending `z` with z[i] >= x (z.length when none). */
function firstAtLeast(z: Float64Array, x: number): number {
  let lo = 0;
  let hi = z.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (z[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** From the previous look's density (null before the first look: Z_0 = 0 with no information) to look k. */
export interface Transition {
  previous: LookDensity | null;
  rate: number;
}

/**
 * P(Z_k > c and no earlier crossing) and its derivative in c. The conditional tail is exact
 * (J&T eq 19.6), so only the previous look's density is integrated numerically.
 */
export function upperCrossing(step: Transition, c: number): { p: number; dp: number } {
  const { previous, rate } = step;
  if (previous === null) {
    return { p: pnorm(-c), dp: -Math.exp(-0.5 * c * c) * INV_SQRT_2PI };
  }
  const sPrev = Math.sqrt(previous.rate);
  const sk = Math.sqrt(rate);
  const sd = Math.sqrt(rate - previous.rate);
  const { z, w } = previous.grid;
  let p = 0;
  let dp = 0;
  // u increases with z[i]; points with u < -NEGLIGIBLE_Z add nothing.
  for (let i = firstAtLeast(z, (c * sk - NEGLIGIBLE_Z * sd) / sPrev); i < z.length; i++) {
    const u = (z[i] * sPrev - c * sk) / sd;
    const mass = w[i] * previous.h[i];
    p += mass * pnorm(u);
    dp -= mass * Math.exp(-0.5 * u * u) * INV_SQRT_2PI * (sk / sd);
  }
  return { p, dp };
}

/** P(Z_k < c and no earlier crossing); the lower tail of a two-sided design. */
export function lowerCrossing(step: Transition, c: number): number {
  const { previous, rate } = step;
  if (previous === null) return pnorm(c);
  const sPrev = Math.sqrt(previous.rate);
  const sk = Math.sqrt(rate);
  const sd = Math.sqrt(rate - previous.rate);
  const { z, w } = previous.grid;
  let p = 0;
  // The argument decreases with z[i]; points where it is below -NEGLIGIBLE_Z add nothing.
  const end = firstAtLeast(z, (c * sk + NEGLIGIBLE_Z * sd) / sPrev);
  for (let i = 0; i < end; i++) p += w[i] * previous.h[i] * pnorm((c * sk - z[i] * sPrev) / sd);
  return p;
}

/** Sub-density of Z_k on (lower, upper) after look k has been passed without crossing. */
export function advance(step: Transition, lower: number, upper: number, r: number): LookDensity {
  const grid = continuationGrid(lower, upper, r);
  const { z } = grid;
  const h = new Float64Array(z.length);
  const { previous, rate } = step;
  if (previous === null) {
    for (let j = 0; j < z.length; j++) h[j] = Math.exp(-0.5 * z[j] * z[j]) * INV_SQRT_2PI;
    return { grid, h, rate };
  }
  const sPrev = Math.sqrt(previous.rate);
  const sk = Math.sqrt(rate);
  const sd = Math.sqrt(rate - previous.rate);
  const scale = (sk / sd) * INV_SQRT_2PI;
  const zp = previous.grid.z;
  const mass = new Float64Array(zp.length);
  for (let i = 0; i < zp.length; i++) mass[i] = previous.grid.w[i] * previous.h[i];
  // Only previous points with |u| <= NEGLIGIBLE_Z carry weight; the window moves up with z[j].
  const reach = NEGLIGIBLE_Z * sd;
  let from = 0;
  let to = 0;
  for (let j = 0; j < z.length; j++) {
    let sum = 0;
    const zk = z[j] * sk;
    while (from < zp.length && zp[from] * sPrev < zk - reach) from++;
    if (to < from) to = from;
    while (to < zp.length && zp[to] * sPrev <= zk + reach) to++;
    for (let i = from; i < to; i++) {
      const u = (zk - zp[i] * sPrev) / sd;
      sum += mass[i] * Math.exp(-0.5 * u * u);
    }
    h[j] = sum * scale;
  }
  return { grid, h, rate };
}
