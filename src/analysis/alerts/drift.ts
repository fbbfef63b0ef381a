import type { LookEstimate } from './types.ts';

export interface Drift {
  readonly z: number;
  readonly newEvents: number;
}

/**
 * z of the change in log HR since the previous look. With nested data the earlier estimate is (to
 * first order) the later one plus independent noise, so Var(b_now - b_prev) = se_prev^2 - se_now^2
 * (independent-increments structure; Jennison & Turnbull 2000, sec 11.6). Null when the variance is
 * not positive (information did not grow), so the increment is undefined.
 */
export function driftSince(previous: LookEstimate, current: LookEstimate): Drift | null {
  const variance = previous.se ** 2 - current.se ** 2;
  if (!(variance > 0) || !Number.isFinite(current.coef) || !Number.isFinite(previous.coef)) return null;
  return { z: (current.coef - previous.coef) / Math.sqrt(variance), newEvents: current.events - previous.events };
}
