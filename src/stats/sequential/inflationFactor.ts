import { pnorm, qnorm } from '../distributions.ts';
import { groupSequentialDesign } from './boundaries.ts';
import { continuationGrid } from './grid.ts';
import type { SpendingType } from './spending.ts';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Probability of crossing the upper boundary at some look when the B-value drifts by `drift` per unit
 * of information rate (E[Z_k] = drift·sqrt(t_k)); the recursion of Jennison & Turnbull (2000, ch. 19)
 * with a non-central increment. `criticals` are the two-sided |z| boundaries.
 */
export function upperCrossingPower(rates: readonly number[], criticals: readonly number[], drift: number, gridSize = 64): number {
  let power = 0;
  let grid: { z: Float64Array; w: Float64Array } | null = null;
  let h: Float64Array | null = null;
  let prevRate = 0;
  for (let k = 0; k < rates.length; k++) {
    const t = rates[k];
    const c = criticals[k];
    const dt = t - prevRate;
    const sd = Math.sqrt(dt);
    const st = Math.sqrt(t);
    const sp = Math.sqrt(prevRate);
    const mean = drift * dt;
    if (grid === null || h === null) {
      power += pnorm(drift * st - c);
    } else {
      for (let i = 0; i < grid.z.length; i++) power += grid.w[i] * h[i] * pnorm((grid.z[i] * sp + mean - c * st) / sd);
    }
    if (k === rates.length - 1 || !Number.isFinite(c)) break;
    const next = continuationGrid(-c, c, gridSize);
    const hn = new Float64Array(next.z.length);
    for (let j = 0; j < next.z.length; j++) {
      if (grid === null || h === null) {
        const u = next.z[j] - drift * st;
        hn[j] = Math.exp(-0.5 * u * u) * INV_SQRT_2PI;
        continue;
      }
      let sum = 0;
      for (let i = 0; i < grid.z.length; i++) {
        const u = (next.z[j] * st - grid.z[i] * sp - mean) / sd;
        sum += grid.w[i] * h[i] * Math.exp(-0.5 * u * u);
      }
      hn[j] = (sum * st * INV_SQRT_2PI) / sd;
    }
    grid = next;
    h = hn;
    prevRate = t;
  }
  return power;
}

/**
 * Inflation factor of a two-sided Lan-DeMets design with `looks` equally spaced looks: the maximum
 * information it needs for the stated power, relative to a single fixed-sample analysis at the same
 * alpha (Jennison & Turnbull 2000, sec. 2.5 and table 7.6; rpact's getDesignCharacteristics()$inflationFactor).
 * Power counts the crossings on the side of the effect (the opposite side adds < 1e-9 at these drifts).
 */
export function inflationFactor(opts: { alpha: number; power: number; looks: number; type?: SpendingType; gridSize?: number }): number {
  const { alpha, power, looks } = opts;
  if (!(Number.isInteger(looks) && looks >= 1)) throw new Error(`looks must be an integer >= 1, got ${looks}`);
  if (!(power > 0.5 && power < 1)) throw new Error(`power must be in (0.5, 1), got ${power}`);
  const fixed = qnorm(1 - alpha / 2) + qnorm(power);
  if (looks === 1) return 1;
  const rates = Array.from({ length: looks }, (_, k) => (k + 1) / looks);
  const design = groupSequentialDesign({ informationRates: rates, alpha, sides: 2, type: opts.type ?? 'obf', gridSize: opts.gridSize });
  const criticals = design.looks.map((l) => l.critical);
  // Power is increasing in the drift: regula falsi (Illinois variant) inside the bracket [fixed, 1.5 fixed]
  // (Lan-DeMets OBF inflation factors are below 1.1), a handful of recursions instead of ~35 bisections.
  const g = (d: number) => upperCrossingPower(rates, criticals, d, opts.gridSize) - power;
  let lo = fixed;
  let hi = 1.5 * fixed;
  let glo = g(lo);
  let ghi = g(hi);
  let side = 0;
  let drift = lo;
  for (let iter = 0; iter < 60; iter++) {
    drift = (lo * ghi - hi * glo) / (ghi - glo);
    const gd = g(drift);
    if (Math.abs(gd) < 1e-12 || hi - lo < 1e-12) break;
    if (gd < 0) {
      lo = drift;
      glo = gd;
      if (side === -1) ghi /= 2;
      side = -1;
    } else {
      hi = drift;
      ghi = gd;
      if (side === 1) glo /= 2;
      side = 1;
    }
  }
  return (drift / fixed) ** 2;
}
