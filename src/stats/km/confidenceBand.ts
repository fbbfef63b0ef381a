import { qnorm } from '../distributions.ts';
import type { Band, ConfType } from './types.ts';

/**
 * Pointwise confidence band for a survival probability S with `se` the standard error of log S,
 * as survival's `survfit_confint` (logse = TRUE): 'log' S·exp(∓z·se) with the upper limit capped at 1,
 * 'log-log' exp(−exp(log(−log S) ∓ z·se/log S)), 'plain' S ∓ z·se·S clipped to [0, 1].
 * NaN marks R's NA: S = 0 (log, plain with infinite se), S ∈ {0, 1} (log-log).
 */
export function survivalBand(surv: Float64Array, se: Float64Array, type: ConfType, level = 0.95): Band {
  const z = qnorm(1 - (1 - level) / 2);
  const m = surv.length;
  const lower = new Float64Array(m);
  const upper = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const [lo, hi] = limits(surv[j], se[j], type, z);
    lower[j] = lo;
    upper[j] = hi;
  }
  return { lower, upper };
}

function limits(s: number, se: number, type: ConfType, z: number): [number, number] {
  switch (type) {
    case 'log': {
      if (s === 0) return [Number.NaN, Number.NaN];
      return [Math.exp(Math.log(s) - z * se), Math.min(Math.exp(Math.log(s) + z * se), 1)];
    }
    case 'log-log': {
      if (s === 0 || s === 1) return [Number.NaN, Number.NaN];
      const half = (z * se) / Math.log(s);
      const centre = Math.log(-Math.log(s));
      return [Math.exp(-Math.exp(centre - half)), Math.exp(-Math.exp(centre + half))];
    }
    case 'plain': {
      // se = ∞ where S = 0 makes the half-width NaN, which stays NaN (R's NA) through max/min.
      const half = se * s * z;
      return [Math.max(s - half, 0), Math.min(s + half, 1)];
    }
  }
}
