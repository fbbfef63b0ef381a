/**
 * Newton-Raphson for the penalised likelihood as coxphf does it: the direction I⁻¹U* (observed
 * information, not the penalised Hessian), each coefficient's change capped at `maxStep`, and the step
 * halved while l* falls. With `free` it maximises over a subset (the profile likelihood's nuisance part).
 */
import type { PreparedCox } from '../cox/prepare.ts';
import type { Ties } from '../cox/types.ts';
import { ldlFactor, ldlSolve } from '../linalg/cholesky.ts';
import { FirthSingularError, newtonDirection, penalisedState, type PenalisedState } from './penalisedLikelihood.ts';

const CONVERGED_DECREMENT = 1e-14;
const ROUNDING = 1e-13;

export function maximisePenalised(
  prep: PreparedCox,
  ties: Ties,
  init: Float64Array,
  options: { maxIter: number; maxStep: number; free?: readonly number[] },
): { state: PenalisedState; iterations: number; converged: boolean } {
  const free = options.free ?? Array.from({ length: prep.p }, (_, j) => j);
  let state = penalisedState(prep, init, ties);
  for (let iter = 1; iter <= options.maxIter; iter++) {
    const { step, decrement } = restrictedStep(state, free, prep.p);
    // The Newton decrement U*ᵀI⁻¹U* is the squared distance to the maximum in standard-error units;
    // this close, l* changes only in its last digits, so the final step is taken without a line search.
    if (decrement < CONVERGED_DECREMENT) {
      return { state: tryStep(prep, ties, state.beta, step, free, 1) ?? state, iterations: iter, converged: true };
    }
    let largest = 0;
    for (const v of step) largest = Math.max(largest, Math.abs(v));
    const scale = largest > options.maxStep ? options.maxStep / largest : 1;
    // l* is a sum over all deaths; differences below its rounding are not evidence against a step.
    const floor = state.penalisedLoglik - ROUNDING * Math.max(1, Math.abs(state.penalisedLoglik));
    let next = tryStep(prep, ties, state.beta, step, free, scale);
    for (let half = 1; half <= 30 && !improves(next, floor); half++) {
      next = tryStep(prep, ties, state.beta, step, free, scale / 2 ** half);
    }
    if (next === null || !improves(next, floor)) return { state, iterations: iter, converged: false };
    state = next;
  }
  return { state, iterations: options.maxIter, converged: false };
}

function restrictedStep(state: PenalisedState, free: readonly number[], p: number): { step: Float64Array; decrement: number } {
  if (free.length === p) {
    const step = newtonDirection(state);
    let decrement = 0;
    for (let j = 0; j < p; j++) decrement += step[j] * state.score[j];
    return { step, decrement };
  }
  // Profiles hold one coefficient fixed: Newton in the others with their block of I.
  const q = free.length;
  const block = new Float64Array(q * q);
  const u = new Float64Array(q);
  free.forEach((a, i) => {
    u[i] = state.score[a];
    free.forEach((b, j) => (block[i * q + j] = state.information[a * p + b]));
  });
  const step = ldlSolve(ldlFactor(block, q, 1e-13), u);
  let decrement = 0;
  for (let i = 0; i < q; i++) decrement += step[i] * u[i];
  return { step, decrement };
}

function improves(next: PenalisedState | null, floor: number): boolean {
  return next !== null && next.penalisedLoglik >= floor;
}

/** The state after a step, or null where I(β) is numerically singular (a step far too long: halve it). */
function tryStep(prep: PreparedCox, ties: Ties, beta: Float64Array, step: Float64Array, free: readonly number[], scale: number): PenalisedState | null {
  const next = Float64Array.from(beta);
  free.forEach((j, i) => (next[j] += scale * step[i]));
  try {
    return penalisedState(prep, next, ties);
  } catch (error) {
    if (error instanceof FirthSingularError) return null;
    throw error;
  }
}
