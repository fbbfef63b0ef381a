/**
 * Newton-Raphson for the Cox partial likelihood exactly as survival's coxfit6/agfit4 iterate: start at
 * init (0), take full Newton steps, halve the step back toward the last accepted beta when the
 * log-likelihood falls, and stop when |1 − loglik_old/loglik_new| ≤ eps (not while halving) or after
 * maxIter iterations. The score test comes from the first evaluation (at init).
 */
import { ldlFactor, ldlInverse, ldlSolve } from '../linalg/cholesky.ts';
import type { PreparedCox } from './prepare.ts';
import { coxLikelihood } from './coxLikelihood.ts';
import type { Ties } from './types.ts';

export interface NewtonResult {
  beta: Float64Array;
  loglikInit: number;
  loglik: number;
  /** Score test u(init)ᵀ I(init)⁻¹ u(init). */
  scoreTest: number;
  /** Score at the final beta (for R's monotone-likelihood check). */
  u: Float64Array;
  /** Inverse information at the final beta, p × p row-major. */
  variance: Float64Array;
  iterations: number;
  converged: boolean;
  /** Rank of the information matrix at init. */
  rank: number;
  /** Diagonal pivots dropped at init (aliased columns). */
  aliased: number[];
}

export function newtonRaphson(prep: PreparedCox, ties: Ties, init: Float64Array, maxIter: number, eps: number): NewtonResult {
  const p = prep.p;
  let beta = Float64Array.from(init);
  const first = coxLikelihood(prep, beta, ties);
  const ldl0 = ldlFactor(first.imat, p);
  const aliased: number[] = [];
  for (let i = 0; i < p; i++) if (ldl0.factor[i * p + i] === 0) aliased.push(i);
  const step0 = ldlSolve(ldl0, first.u);
  let scoreTest = 0;
  for (let i = 0; i < p; i++) scoreTest += first.u[i] * step0[i];
  const base = { loglikInit: first.loglik, scoreTest, rank: ldl0.rank, aliased };
  if (maxIter === 0) {
    return { ...base, beta, loglik: first.loglik, u: first.u, variance: ldlInverse(ldl0), iterations: 0, converged: true };
  }

  let newBeta = new Float64Array(p);
  for (let i = 0; i < p; i++) newBeta[i] = beta[i] + step0[i];
  let loglikOld = first.loglik;
  let halving = false;
  let last = first;
  let lastLdl = ldl0;
  for (let iter = 1; iter <= maxIter; iter++) {
    last = coxLikelihood(prep, newBeta, ties);
    lastLdl = ldlFactor(last.imat, p);
    if (Math.abs(1 - loglikOld / last.loglik) <= eps && !halving) {
      return { ...base, beta: newBeta, loglik: last.loglik, u: last.u, variance: ldlInverse(lastLdl), iterations: iter, converged: true };
    }
    if (iter === maxIter) break;
    if (last.loglik < loglikOld) {
      halving = true;
      const half = new Float64Array(p);
      for (let i = 0; i < p; i++) half[i] = (newBeta[i] + beta[i]) / 2;
      newBeta = half;
    } else {
      halving = false;
      loglikOld = last.loglik;
      const step = ldlSolve(lastLdl, last.u);
      beta = newBeta;
      newBeta = new Float64Array(p);
      for (let i = 0; i < p; i++) newBeta[i] = beta[i] + step[i];
    }
  }
  return { ...base, beta: newBeta, loglik: last.loglik, u: last.u, variance: ldlInverse(lastLdl), iterations: maxIter, converged: false };
}
