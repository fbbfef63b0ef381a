/**
 * The Cox partial likelihood, its score and information at one beta, in a single backward pass over the
 * rows sorted by (stratum, stop): risk-set sums grow as time decreases, and for counting-process data
 * rows leave when time falls to their start. O(n p²) per call. This mirrors survival's coxfit6/agfit4
 * (Therneau & Grambsch 2000, sec 3.3), including Efron's ties with case weights, where each of the d tied
 * deaths contributes the average death weight and the deaths enter the k-th term with weight k/d.
 */
import type { PreparedCox } from './prepare.ts';
import type { Ties } from './types.ts';

export interface SweepResult {
  loglik: number;
  u: Float64Array;
  /** Information matrix, full symmetric p × p row-major. */
  imat: Float64Array;
}

/** Called once per distinct death time with that time's score and information contributions. */
export type DeathTimeHook = (position: number, du: Float64Array, dimat: Float64Array) => void;

/** Linear predictor of each sorted row (centred covariates). */
export function linearPredictor(prep: PreparedCox, beta: ArrayLike<number>): Float64Array {
  const { n, p, x } = prep;
  const eta = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let s = 0;
    const off = k * p;
    for (let j = 0; j < p; j++) s += beta[j] * x[off + j];
    eta[k] = s;
  }
  return eta;
}

class RiskSums {
  denom = 0;
  count = 0;
  readonly a: Float64Array;
  /** Lower triangle (j ≤ i) of Σ risk·x xᵀ, row-major p × p. */
  readonly cmat: Float64Array;
  constructor(private readonly p: number) {
    this.a = new Float64Array(p);
    this.cmat = new Float64Array(p * p);
  }
  reset(): void {
    this.denom = 0;
    this.count = 0;
    this.a.fill(0);
    this.cmat.fill(0);
  }
  add(x: Float64Array, off: number, risk: number, sign: 1 | -1): void {
    const { p, a, cmat } = this;
    const r = sign * risk;
    this.denom += r;
    this.count += sign;
    for (let i = 0; i < p; i++) {
      const xi = r * x[off + i];
      a[i] += xi;
      const base = i * p;
      for (let j = 0; j <= i; j++) cmat[base + j] += xi * x[off + j];
    }
  }
  addSums(other: RiskSums): void {
    this.denom += other.denom;
    this.count += other.count;
    for (let i = 0; i < this.a.length; i++) this.a[i] += other.a[i];
    for (let i = 0; i < this.cmat.length; i++) this.cmat[i] += other.cmat[i];
  }
}

export function coxSweep(prep: PreparedCox, beta: ArrayLike<number>, ties: Ties, hook?: DeathTimeHook): SweepResult {
  const { p, x, stop, start, event, weight, strataBounds, byStartDesc } = prep;
  const eta = linearPredictor(prep, beta);
  const u = new Float64Array(p);
  const imat = new Float64Array(p * p);
  const du = new Float64Array(p);
  const dimat = new Float64Array(p * p);
  const mean = new Float64Array(p);
  const risk = new RiskSums(p);
  const dead = new RiskSums(p);
  let loglik = 0;

  for (let s = 0; s + 1 < strataBounds.length; s++) {
    const lo = strataBounds[s];
    const hi = strataBounds[s + 1];
    risk.reset();
    let leave = lo;
    let k = hi - 1;
    while (k >= lo) {
      const t = stop[k];
      if (start !== null && byStartDesc !== null) {
        while (leave < hi && start[byStartDesc[leave]] >= t) {
          const r = byStartDesc[leave];
          risk.add(x, r * p, Math.exp(eta[r]) * weight[r], -1);
          leave++;
        }
        // Removing by subtraction leaves rounding residue; an empty risk set is exactly empty.
        if (risk.count === 0) risk.reset();
      }
      dead.reset();
      let ndead = 0;
      let deadwt = 0;
      du.fill(0);
      const top = k;
      for (; k >= lo && stop[k] === t; k--) {
        const off = k * p;
        const w = weight[k];
        const r = Math.exp(eta[k]) * w;
        if (event[k] === 1) {
          ndead++;
          deadwt += w;
          loglik += w * eta[k];
          for (let i = 0; i < p; i++) du[i] += w * x[off + i];
          dead.add(x, off, r, 1);
        } else {
          risk.add(x, off, r, 1);
        }
      }
      if (ndead === 0) continue;
      dimat.fill(0);
      // Breslow is Efron's formula with a single step holding all deaths.
      const steps = ties === 'efron' ? ndead : 1;
      const stepWeight = deadwt / steps;
      for (let step = 1; step <= steps; step++) {
        const frac = step / steps;
        const denom = risk.denom + frac * dead.denom;
        loglik -= stepWeight * Math.log(denom);
        for (let i = 0; i < p; i++) {
          mean[i] = (risk.a[i] + frac * dead.a[i]) / denom;
          du[i] -= stepWeight * mean[i];
        }
        for (let i = 0; i < p; i++) {
          for (let j = 0; j <= i; j++) {
            const c = risk.cmat[i * p + j] + frac * dead.cmat[i * p + j];
            dimat[i * p + j] += (stepWeight * (c / denom - mean[i] * mean[j]));
          }
        }
      }
      for (let i = 0; i < p; i++) {
        for (let j = 0; j < i; j++) dimat[j * p + i] = dimat[i * p + j];
      }
      for (let i = 0; i < p; i++) u[i] += du[i];
      for (let i = 0; i < p * p; i++) imat[i] += dimat[i];
      if (hook !== undefined) hook(top, du, dimat);
      risk.addSums(dead);
    }
  }
  return { loglik, u, imat };
}
