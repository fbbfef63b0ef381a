import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { pnormTwoSided } from './distributions.ts';

/**
 * Logistic regression by Newton-Raphson (= IRLS for the canonical logit link; McCullagh & Nelder 1989,
 * sec 2.5 and 4.4), with an intercept, optional prior weights and step-halving when the deviance rises.
 * Agrees with R's glm(family = binomial) at its solution; the stopping rule is R's
 * |dev − dev_old| / (|dev| + 0.1) < tolerance, with a tighter default (1e-10 instead of 1e-8) so the
 * coefficients are at the MLE to ~1e-9.
 */
/** The data cannot identify the logistic model (collinear covariates, a constant column, separation). */
export class LogisticSingularError extends Error {
  override name = 'LogisticSingularError';
}

export interface LogisticInput {
  /** Outcome, 0 or 1 per row. */
  y: ArrayLike<number>;
  /** Covariate columns (no intercept column: it is added), length n each, no missing values. */
  x: readonly Float64Array[];
  names: readonly string[];
  /** Prior (case) weights, > 0. */
  weights?: Float64Array;
  maxIter?: number;
  tolerance?: number;
}

export interface LogisticTerm {
  term: string;
  coef: number;
  se: number;
  z: number;
  p: number;
}

export interface LogisticFit {
  n: number;
  /** '(Intercept)' first, then the covariates in input order. */
  terms: LogisticTerm[];
  coef: Float64Array;
  vcov: number[][];
  /** Fitted probabilities. */
  fitted: Float64Array;
  linearPredictor: Float64Array;
  deviance: number;
  nullDeviance: number;
  /** Σ w·log-likelihood contributions (= −deviance/2 for a 0/1 outcome). */
  logLik: number;
  iterations: number;
  converged: boolean;
  /** True when some fitted probability is numerically 0 or 1: (quasi-)complete separation. */
  separation: boolean;
  warnings: string[];
}

/** R's threshold for "fitted probabilities numerically 0 or 1" (10·.Machine$double.eps). */
const FITTED_EPS = 10 * 2.220446049250313e-16;

export function fitLogistic(input: LogisticInput): LogisticFit {
  const { y, x, names } = input;
  const n = y.length;
  validate(input, n);
  const w = input.weights ?? new Float64Array(n).fill(1);
  const maxIter = input.maxIter ?? 50;
  const tolerance = input.tolerance ?? 1e-10;
  const p = x.length + 1;
  const design = (j: number, i: number): number => (j === 0 ? 1 : x[j - 1][i]);

  let sw = 0;
  let swy = 0;
  for (let i = 0; i < n; i++) {
    sw += w[i];
    swy += w[i] * y[i];
  }
  const ybar = swy / sw;
  const nullDeviance = devianceOf(y, w, () => ybar);

  // Start at the intercept-only MLE (all-zero slopes), which always has a finite deviance.
  let beta: Float64Array = new Float64Array(p);
  beta[0] = ybar > 0 && ybar < 1 ? Math.log(ybar / (1 - ybar)) : 0;
  let eta: Float64Array = linearPredictor(beta, design, n);
  let dev = devianceOf(y, w, (i) => expit(eta[i]));
  let converged = false;
  let iterations = 0;
  let info = information(eta, w, design, n, p);
  for (let iter = 1; iter <= maxIter; iter++) {
    iterations = iter;
    const step = newtonStep(info, score(y, eta, w, design, n, p));
    let candidate = add(beta, step, 1);
    let candidateEta = linearPredictor(candidate, design, n);
    let candidateDev = devianceOf(y, w, (i) => expit(candidateEta[i]));
    // Step-halving (R's glm.fit does it for non-finite deviance; we also do it for a rise).
    for (let half = 0; half < 30 && !(candidateDev <= dev + 1e-12 * Math.abs(dev)); half++) {
      candidate = add(beta, step, 0.5 ** (half + 1));
      candidateEta = linearPredictor(candidate, design, n);
      candidateDev = devianceOf(y, w, (i) => expit(candidateEta[i]));
    }
    const change = Math.abs(candidateDev - dev) / (Math.abs(candidateDev) + 0.1);
    beta = candidate;
    eta = candidateEta;
    dev = candidateDev;
    info = information(eta, w, design, n, p);
    if (change < tolerance) {
      converged = true;
      break;
    }
  }

  const vcov = inverse(info);
  const fitted = new Float64Array(n);
  let separation = false;
  for (let i = 0; i < n; i++) {
    fitted[i] = expit(eta[i]);
    if (fitted[i] < FITTED_EPS || fitted[i] > 1 - FITTED_EPS) separation = true;
  }
  const warnings: string[] = [];
  if (!converged) warnings.push(`logistic regression did not converge in ${maxIter} iterations`);
  if (separation) {
    warnings.push('fitted probabilities numerically 0 or 1 occurred: (quasi-)complete separation, some coefficients may be infinite');
  }
  const allNames = ['(Intercept)', ...names];
  const terms = allNames.map((term, j) => {
    const se = Math.sqrt(vcov[j][j]);
    const z = beta[j] / se;
    return { term, coef: beta[j], se, z, p: pnormTwoSided(z) };
  });
  return { n, terms, coef: beta, vcov, fitted, linearPredictor: eta, deviance: dev, nullDeviance, logLik: -dev / 2, iterations, converged, separation, warnings };
}

/** The logistic function, written to stay finite for large |η|. */
export function expit(eta: number): number {
  return eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
}

function linearPredictor(beta: Float64Array, design: (j: number, i: number) => number, n: number): Float64Array {
  const eta = new Float64Array(n);
  for (let j = 0; j < beta.length; j++) {
    const b = beta[j];
    if (b === 0) continue;
    for (let i = 0; i < n; i++) eta[i] += b * design(j, i);
  }
  return eta;
}

/** −2 Σ w [y log μ + (1 − y) log(1 − μ)]; a 0·log 0 term is 0. */
function devianceOf(y: ArrayLike<number>, w: Float64Array, mu: (i: number) => number): number {
  let d = 0;
  for (let i = 0; i < y.length; i++) {
    const m = mu(i);
    d -= 2 * w[i] * (y[i] === 1 ? Math.log(m) : Math.log1p(-m));
  }
  return d;
}

function score(y: ArrayLike<number>, eta: Float64Array, w: Float64Array, design: (j: number, i: number) => number, n: number, p: number): Float64Array {
  const u = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const r = w[i] * (y[i] - expit(eta[i]));
    for (let j = 0; j < p; j++) u[j] += r * design(j, i);
  }
  return u;
}

function information(eta: Float64Array, w: Float64Array, design: (j: number, i: number) => number, n: number, p: number): number[][] {
  const info = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < n; i++) {
    const m = expit(eta[i]);
    const v = w[i] * m * (1 - m);
    for (let j = 0; j < p; j++) {
      const vj = v * design(j, i);
      for (let k = 0; k <= j; k++) info[j][k] += vj * design(k, i);
    }
  }
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) info[k][j] = info[j][k];
  return info;
}

function cholesky(info: number[][]): CholeskyDecomposition {
  const chol = new CholeskyDecomposition(info);
  const lower = chol.lowerTriangularMatrix;
  // Like R's cholesky2, treat a pivot that lost all but ~1e-10 of its diagonal as zero (collinearity).
  const degenerate = info.some((row, j) => !(lower.get(j, j) ** 2 > 1e-10 * row[j]));
  if (!chol.isPositiveDefinite() || degenerate) throw new LogisticSingularError('logistic regression: the information matrix is singular (collinear covariates or a constant column)');
  return chol;
}

function newtonStep(info: number[][], u: Float64Array): Float64Array {
  return Float64Array.from(cholesky(info).solve(Matrix.columnVector(Array.from(u))).getColumn(0));
}

function inverse(info: number[][]): number[][] {
  return cholesky(info).solve(Matrix.eye(info.length)).to2DArray();
}

function add(beta: Float64Array, step: Float64Array, factor: number): Float64Array {
  return beta.map((b, j) => b + factor * step[j]);
}

function validate(input: LogisticInput, n: number): void {
  if (input.names.length !== input.x.length) throw new Error(`logistic regression: ${input.x.length} columns but ${input.names.length} names`);
  if (n === 0) throw new Error('logistic regression: no rows');
  for (let i = 0; i < n; i++) {
    if (input.y[i] !== 0 && input.y[i] !== 1) throw new Error(`logistic regression: outcome must be 0 or 1, row ${i + 1} has ${input.y[i]}`);
  }
  input.x.forEach((col, j) => {
    if (col.length !== n) throw new Error(`logistic regression: column ${input.names[j]} has ${col.length} rows, outcome has ${n}`);
    for (let i = 0; i < n; i++) if (!Number.isFinite(col[i])) throw new Error(`logistic regression: column ${input.names[j]} has a missing or non-finite value at row ${i + 1}`);
  });
  if (input.weights) {
    if (input.weights.length !== n) throw new Error(`logistic regression: ${input.weights.length} weights for ${n} rows`);
    for (let i = 0; i < n; i++) if (!(input.weights[i] > 0 && Number.isFinite(input.weights[i]))) throw new Error(`logistic regression: weight at row ${i + 1} must be positive, got ${input.weights[i]}`);
  }
}
