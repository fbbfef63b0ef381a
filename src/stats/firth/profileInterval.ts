/**
 * Profile penalised-likelihood confidence limits (Heinze & Schemper 2001, sec 2.3; coxphf):
 * {b : 2[l*(β̂) − max_{β₋ᵣ} l*(b, β₋ᵣ)] ≤ χ²₁(level)}. Each limit is bracketed by stepping out from β̂
 * in standard-error multiples, then found by the Illinois variant of regula falsi.
 */
import { qchisq } from '../distributions.ts';
import type { PreparedCox } from '../cox/prepare.ts';
import type { Ties } from '../cox/types.ts';
import { maximisePenalised } from './penalisedNewton.ts';
import { penalisedState, type PenalisedState } from './penalisedLikelihood.ts';

const PROFILE_MAX_ITER = 100;

/** max over the other coefficients of l*(β) with β_r fixed at b, starting from the fit. */
export function profilePenalisedLoglik(prep: PreparedCox, ties: Ties, fit: PenalisedState, r: number, b: number, maxStep: number): number {
  const start = Float64Array.from(fit.beta);
  start[r] = b;
  if (prep.p === 1) return penalisedState(prep, start, ties).penalisedLoglik;
  const free = Array.from({ length: prep.p }, (_, j) => j).filter((j) => j !== r);
  return maximisePenalised(prep, ties, start, { maxIter: PROFILE_MAX_ITER, maxStep, free }).state.penalisedLoglik;
}

export function profileInterval(
  prep: PreparedCox,
  ties: Ties,
  fit: PenalisedState,
  r: number,
  se: number,
  level: number,
  maxStep: number,
): { lower: number; upper: number } {
  const critical = qchisq(level, 1);
  const excess = (b: number): number => 2 * (fit.penalisedLoglik - profilePenalisedLoglik(prep, ties, fit, r, b, maxStep)) - critical;
  const centre = fit.beta[r];
  const unit = Number.isFinite(se) && se > 0 ? se : 1;
  return { lower: limit(excess, centre, -unit), upper: limit(excess, centre, unit) };
}

/** The root of excess on the side of `centre` given by the sign of `unit`; ±Infinity if never reached. */
function limit(excess: (b: number) => number, centre: number, unit: number): number {
  let inside = centre;
  let fInside = excess(centre);
  let outside = centre + 2 * unit;
  let fOutside = excess(outside);
  for (let k = 0; fOutside < 0; k++) {
    if (k === 40) return unit > 0 ? Infinity : -Infinity;
    inside = outside;
    fInside = fOutside;
    outside = centre + unit * 2 ** (k + 2);
    fOutside = excess(outside);
  }
  // Illinois regula falsi: superlinear, and the bracket never loses the root.
  let side = 0;
  for (let iter = 0; iter < 100; iter++) {
    const b = (inside * fOutside - outside * fInside) / (fOutside - fInside);
    const fb = excess(b);
    if (Math.abs(fb) < 1e-10 || Math.abs(outside - inside) < 1e-12 * Math.max(1, Math.abs(b))) return b;
    if (fb < 0) {
      inside = b;
      fInside = fb;
      if (side === -1) fOutside /= 2;
      side = -1;
    } else {
      outside = b;
      fOutside = fb;
      if (side === 1) fInside /= 2;
      side = 1;
    }
  }
  return (inside * fOutside - outside * fInside) / (fOutside - fInside);
}
