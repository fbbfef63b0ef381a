/**
 * Profile penalised-likelihood confidence limits (Heinze & Schemper 2001, sec 2.3; coxphf):
 * {b : 2[l*(β̂) − max_{β₋ᵣ} l*(b, β₋ᵣ)] ≤ χ²₁(level)}. Each limit is bracketed by stepping out from β̂
 * in doubling standard-error multiples, then found by the Illinois variant of regula falsi.
 */
import { qchisq } from '../distributions.ts';
import type { PreparedCox } from '../cox/prepare.ts';
import type { Ties } from '../cox/types.ts';
import { maximisePenalised } from './penalisedNewton.ts';
import { FirthSingularError, penalisedState, type PenalisedState } from './penalisedLikelihood.ts';

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
  const excess = (b: number): number => {
    try {
      return 2 * (fit.penalisedLoglik - profilePenalisedLoglik(prep, ties, fit, r, b, maxStep)) - critical;
    } catch (error) {
      // So far out that I(β) is numerically singular: log|I| → −∞, so l* is far below the limit.
      if (error instanceof FirthSingularError) return Infinity;
      throw error;
    }
  };
  const centre = fit.beta[r];
  const unit = Number.isFinite(se) && se > 0 ? se : 1;
  return { lower: limit(excess, centre, -unit), upper: limit(excess, centre, unit) };
}

/** Doublings of the first step (2·se) tried before a limit is declared unbounded: 2²⁰·se. */
const MAX_EXPANSIONS = 20;

/** The root of excess on the side of `centre` given by the sign of `unit`; ±Infinity if never reached. */
function limit(excess: (b: number) => number, centre: number, unit: number): number {
  const unbounded = unit > 0 ? Infinity : -Infinity;
  let inside = centre;
  let fInside = excess(centre);
  let outside = Number.NaN;
  let fOutside = Number.NaN;
  for (let k = 1; k <= MAX_EXPANSIONS && Number.isNaN(fOutside); k++) {
    const b = centre + unit * 2 ** k;
    const f = excess(b);
    if (f >= 0) {
      outside = b;
      fOutside = f;
    } else if (f < 0) {
      inside = b;
      fInside = f;
    } else {
      return unbounded;
    }
  }
  if (Number.isNaN(fOutside)) return unbounded;
  // Illinois regula falsi: superlinear, and the bracket never loses the root. An infinite excess (the
  // information became singular far out) has no secant, so that step bisects.
  let side = 0;
  let b = inside;
  for (let iter = 0; iter < 100; iter++) {
    b = Number.isFinite(fOutside) ? (inside * fOutside - outside * fInside) / (fOutside - fInside) : (inside + outside) / 2;
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
  return b;
}
