/**
 * Cox proportional-hazards regression reproducing R's survival::coxph (3.5-3): see docs/stats-cox.md
 * for the semantics reproduced (timefix, centring, Efron with weights, step-halving Newton-Raphson,
 * monotone-likelihood warning, robust sandwich variance, robust score test, concordance).
 */
import { pchisqUpper, pnormTwoSided, Z975 } from '../distributions.ts';
import { quadraticFormInverse, toNested } from '../linalg/cholesky.ts';
import { concordance } from './concordance.ts';
import { newtonRaphson } from './newtonRaphson.ts';
import type { NewtonResult } from './newtonRaphson.ts';
import { CoxInputError, prepareCox } from './prepare.ts';
import type { PreparedCox } from './prepare.ts';
import { scoreResiduals } from './scoreResiduals.ts';
import type { CoxFit, CoxInput, CoxModelFit, CoxTerm, CoxTest, Ties } from './types.ts';

/** coxph.control() defaults. */
export const COX_DEFAULT_EPS = 1e-9;
export const COX_DEFAULT_MAX_ITER = 20;

export class CoxFitError extends Error {
  override name = 'CoxFitError';
}

function test(stat: number, df: number): CoxTest {
  return { stat, df, p: pchisqUpper(stat, df) };
}

/**
 * Rows of D: weighted dfbeta residuals (score residual × variance × weight), or weighted score residuals
 * when variance is null, summed within cluster (each row its own cluster without one). Flat m × p.
 */
function weightedDfbeta(prep: PreparedCox, resid: Float64Array, variance: Float64Array | null): { rows: Float64Array; m: number } {
  const { n, p, weight, cluster } = prep;
  const m = cluster === null ? n : prep.nClusters;
  const rows = new Float64Array(m * p);
  for (let k = 0; k < n; k++) {
    const off = (cluster === null ? k : cluster[k]) * p;
    const w = weight[k];
    for (let j = 0; j < p; j++) {
      let v = 0;
      if (variance === null) v = resid[k * p + j];
      else for (let i = 0; i < p; i++) v += resid[k * p + i] * variance[i * p + j];
      rows[off + j] += w * v;
    }
  }
  return { rows, m };
}

function crossProduct(d: { rows: Float64Array; m: number }, p: number): Float64Array {
  const out = new Float64Array(p * p);
  const { rows, m } = d;
  for (let r = 0; r < m; r++) {
    const off = r * p;
    for (let i = 0; i < p; i++) {
      const v = rows[off + i];
      for (let j = 0; j <= i; j++) out[i * p + j] += v * rows[off + j];
    }
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) out[j * p + i] = out[i * p + j];
  return out;
}

/** R's check after convergence: a coefficient whose one-step change u·V is still large may be infinite. */
function monotoneWarnings(input: CoxInput, nr: NewtonResult, lp: Float64Array, eps: number): string[] {
  const p = nr.beta.length;
  const tolerInf = Math.sqrt(eps);
  const counting = input.start !== undefined;
  const infs: number[] = [];
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < p; i++) s += nr.u[i] * nr.variance[i * p + j];
    infs.push(Math.abs(s));
  }
  if (!nr.converged) {
    const warnings = ['Ran out of iterations and did not converge'];
    const maxLp = lp.reduce((m, v) => Math.max(m, v), -Infinity);
    if (!counting && (maxLp > 500 || infs.some((v) => !Number.isFinite(v)))) warnings.push('one or more coefficients may be infinite');
    return warnings;
  }
  const flagged: number[] = [];
  for (let j = 0; j < p; j++) {
    const coef = Math.abs(nr.beta[j]);
    const bad = counting
      ? !Number.isFinite(nr.u[j]) || infs[j] > tolerInf * (1 + coef)
      : !Number.isFinite(nr.u[j]) || (infs[j] > eps && infs[j] > tolerInf * coef);
    if (bad) flagged.push(j);
  }
  if (flagged.length === 0) return [];
  const which = flagged.map((j) => `${j + 1} (${input.names[j]})`).join(', ');
  return [`Loglik converged before variable ${which}; ${counting ? 'beta' : 'coefficient'} may be infinite.`];
}

/** R's linear.predictors: x·β − Σ β·means, in input row order. */
function linearPredictors(input: CoxInput, beta: Float64Array, means: Float64Array): Float64Array {
  const n = input.stop.length;
  const lp = new Float64Array(n);
  let offset = 0;
  for (let j = 0; j < beta.length; j++) offset += beta[j] * means[j];
  for (let j = 0; j < beta.length; j++) {
    const col = input.x[j];
    const b = beta[j];
    for (let i = 0; i < n; i++) lp[i] += col[i] * b;
  }
  for (let i = 0; i < n; i++) lp[i] -= offset;
  return lp;
}

function permute(values: Float64Array, order: Int32Array): Float64Array {
  const out = new Float64Array(order.length);
  for (let k = 0; k < order.length; k++) out[k] = values[order[k]];
  return out;
}

function isRobust(input: CoxInput): boolean {
  if (input.robust === true || input.cluster !== undefined) return true;
  // R's coxph switches to the sandwich by itself when the case weights are not integers.
  return input.weights !== undefined && input.weights.some((w) => w !== Math.round(w));
}

/**
 * The Cox fit without Harrell's concordance: everything model building needs (coefficients, variances,
 * log-likelihoods, tests), for callers that fit many models and report none of their concordances
 * (model selection). The concordance's two Fenwick passes cost as much as a Newton step.
 */
export function fitCoxModel(input: CoxInput): CoxModelFit {
  return fitModel(input).fit;
}

export function fitCox(input: CoxInput): CoxFit {
  const { fit, prep } = fitModel(input);
  const conc = concordance({
    stop: prep.stop,
    start: prep.start,
    byStartDesc: prep.byStartDesc,
    event: prep.event,
    score: permute(fit.linearPredictors, prep.order),
    weight: prep.weight,
    strataBounds: prep.strataBounds,
    cluster: prep.cluster,
  });
  return { ...fit, concordance: conc };
}

function fitModel(input: CoxInput): { fit: CoxModelFit; prep: PreparedCox } {
  const ties: Ties = input.ties ?? 'efron';
  if (ties !== 'efron' && ties !== 'breslow') throw new CoxInputError(`ties must be "efron" or "breslow", got "${String(ties)}"`);
  const eps = input.eps ?? COX_DEFAULT_EPS;
  const maxIter = input.maxIter ?? COX_DEFAULT_MAX_ITER;
  if (!(eps > 0)) throw new CoxInputError('eps must be positive');
  if (!Number.isInteger(maxIter) || maxIter < 0) throw new CoxInputError('maxIter must be a non-negative integer');
  const prep = prepareCox(input);
  const p = prep.p;
  if (p === 0) throw new CoxInputError('the model has no covariates');
  if (input.init !== undefined && input.init.length !== p) throw new CoxInputError(`init has length ${input.init.length}, expected ${p}`);
  if (prep.nevent === 0) throw new CoxFitError('no events in the data: the Cox model cannot be estimated');

  const init = input.init ?? new Float64Array(p);
  const nr = newtonRaphson(prep, ties, init, maxIter, eps);
  if (nr.aliased.length > 0) {
    throw new CoxFitError(`X matrix deemed to be singular: ${nr.aliased.map((j) => input.names[j]).join(', ')} linearly dependent on the other columns or constant`);
  }
  if (!Number.isFinite(nr.loglik) || nr.beta.some((b) => !Number.isFinite(b))) {
    throw new CoxFitError('the Cox fit overflowed (non-finite log-likelihood); check for a covariate that perfectly separates the events');
  }

  const lp = linearPredictors(input, nr.beta, prep.means);
  const warnings = monotoneWarnings(input, nr, lp, eps);
  const robust = isRobust(input);

  let varRobust: Float64Array | null = null;
  let robustScore: CoxTest | null = null;
  if (robust) {
    const resid = scoreResiduals(prep, nr.beta, ties);
    varRobust = crossProduct(weightedDfbeta(prep, resid, nr.variance), p);
    // R's robust score test: the score residuals at the initial beta, their sum u and crossproduct.
    const rows0 = weightedDfbeta(prep, scoreResiduals(prep, init, ties), null);
    const u0 = new Float64Array(p);
    for (let r = 0; r < rows0.m; r++) for (let j = 0; j < p; j++) u0[j] += rows0.rows[r * p + j];
    robustScore = test(quadraticFormInverse(crossProduct(rows0, p), p, u0).stat, p);
  }

  const variance = varRobust ?? nr.variance;
  const terms: CoxTerm[] = input.names.map((term, j) => {
    const coef = nr.beta[j];
    const se = Math.sqrt(nr.variance[j * p + j]);
    const robustSe = varRobust === null ? null : Math.sqrt(varRobust[j * p + j]);
    const used = robustSe ?? se;
    const z = coef / used;
    return { term, coef, se, robustSe, hr: Math.exp(coef), lower: Math.exp(coef - Z975 * used), upper: Math.exp(coef + Z975 * used), z, p: pnormTwoSided(z) };
  });

  const waldModel = test(quadraticFormInverse(nr.variance, p, nr.beta).stat, p);
  const fit: CoxModelFit = {
    n: prep.n,
    nevent: prep.nevent,
    iterations: nr.iterations,
    converged: nr.converged,
    ties,
    robust,
    coef: nr.beta,
    varModel: toNested(nr.variance, p),
    varRobust: varRobust === null ? null : toNested(varRobust, p),
    means: prep.means,
    linearPredictors: lp,
    loglik: { null: nr.loglikInit, model: nr.loglik },
    terms,
    tests: {
      likelihoodRatio: test(2 * (nr.loglik - nr.loglikInit), p),
      wald: varRobust === null ? waldModel : test(quadraticFormInverse(variance, p, nr.beta).stat, p),
      waldModel,
      score: test(nr.scoreTest, p),
      robustScore,
    },
    warnings,
  };
  return { fit, prep };
}
