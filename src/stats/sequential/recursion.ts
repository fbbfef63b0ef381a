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
  for (let i = 0; i < z.length; i++) {
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
  for (let i = 0; i < z.length; i++) p += w[i] * previous.h[i] * pnorm((c * sk - z[i] * sPrev) / sd);
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
  for (let j = 0; j < z.length; j++) {
    let sum = 0;
    const zk = z[j] * sk;
    for (let i = 0; i < zp.length; i++) {
      const u = (zk - zp[i] * sPrev) / sd;
      sum += mass[i] * Math.exp(-0.5 * u * u);
    }
    h[j] = sum * scale;
  }
  return { grid, h, rate };
}
