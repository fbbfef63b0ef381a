/**
 * Firth's penalised partial likelihood for the Cox model (Firth 1993; Heinze & Schemper 2001):
 * l*(β) = l(β) + ½ log|I(β)|, with the modified score U*_r = U_r + ½ tr(I⁻¹ ∂I/∂β_r).
 * The penalty is Jeffreys' invariant prior; it removes the O(1/n) bias and keeps estimates finite
 * under monotone likelihood (a covariate pattern with no events).
 */
import type { PreparedCox } from '../cox/prepare.ts';
import type { Ties } from '../cox/types.ts';
import { ldlFactor, ldlInverse, ldlSolve, type LdlFactor } from '../linalg/cholesky.ts';
import { coxMoments } from './riskSetMoments.ts';

export interface PenalisedState {
  beta: Float64Array;
  /** Unpenalised partial log-likelihood l(β). */
  loglik: number;
  /** l(β) + ½ log|I(β)|. */
  penalisedLoglik: number;
  /** The modified score U*(β). */
  score: Float64Array;
  /** I(β), p × p row-major. */
  information: Float64Array;
  factor: LdlFactor;
}

export class FirthSingularError extends Error {
  override name = 'FirthSingularError';
}

export function penalisedState(prep: PreparedCox, beta: Float64Array, ties: Ties): PenalisedState {
  const { p } = prep;
  const m = coxMoments(prep, beta, ties);
  // A tolerance far below R's toler.chol: the penalty needs log|I|, so any lost pivot is fatal anyway.
  const factor = ldlFactor(m.information, p, 1e-13);
  if (factor.rank < p) {
    throw new FirthSingularError('Firth Cox: the information matrix is singular (a constant or collinear covariate, or no events)');
  }
  let logDet = 0;
  for (let i = 0; i < p; i++) logDet += Math.log(factor.factor[i * p + i]);
  const inverse = ldlInverse(factor);
  const score = Float64Array.from(m.score);
  for (let r = 0; r < p; r++) {
    let trace = 0;
    const base = r * p * p;
    for (let s = 0; s < p; s++) for (let t = 0; t < p; t++) trace += inverse[t * p + s] * m.dInformation[base + s * p + t];
    score[r] += trace / 2;
  }
  return { beta, loglik: m.loglik, penalisedLoglik: m.loglik + logDet / 2, score, information: m.information, factor };
}

/** The Newton direction I⁻¹U* Heinze & Schemper use (the observed information, not the penalised Hessian). */
export function newtonDirection(state: PenalisedState): Float64Array {
  return ldlSolve(state.factor, state.score);
}
