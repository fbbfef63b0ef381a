/**
 * The Cox partial likelihood, its score and information at one beta, in a single backward pass over the
 * rows sorted by (stratum, stop): risk-set sums grow as time decreases, and for counting-process data
 * rows leave when time falls to their start. O(n p²) per call. This mirrors survival's coxfit6/agfit4
 * (Therneau & Grambsch 2000, sec 3.3), including Efron's ties with case weights, where each of the d tied
 * deaths contributes the average death weight and the deaths enter the k-th term with weight k/d.
 *
 * This form exposes each death time's score and information contributions (the hook), which cox.zph
 * needs; the Newton steps use the equivalent, cheaper coxLikelihood.ts (same numbers to rounding).
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

/** Adds sign·risk·(1, x, x xᵀ lower triangle) of row `off` into (a, cmat); returns the risk added. */
function addRow(p: number, x: Float64Array, off: number, r: number, a: Float64Array, cmat: Float64Array): void {
  for (let i = 0; i < p; i++) {
    const xi = r * x[off + i];
    a[i] += xi;
    const base = i * p;
    for (let j = 0; j <= i; j++) cmat[base + j] += xi * x[off + j];
  }
}

export function coxSweep(prep: PreparedCox, beta: ArrayLike<number>, ties: Ties, hook?: DeathTimeHook): SweepResult {
  const { n, p, x, stop, start, event, weight, strataBounds, byStartDesc } = prep;
  const pp = p * p;
  const eta = linearPredictor(prep, beta);
  const risk = new Float64Array(n);
  for (let k = 0; k < n; k++) risk[k] = Math.exp(eta[k]) * weight[k];
  const u = new Float64Array(p);
  const imat = new Float64Array(pp);
  const du = new Float64Array(p);
  const dimat = new Float64Array(pp);
  const mean = new Float64Array(p);
  const a = new Float64Array(p);
  const cmat = new Float64Array(pp);
  const aDead = new Float64Array(p);
  const cDead = new Float64Array(pp);
  let loglik = 0;

  for (let s = 0; s + 1 < strataBounds.length; s++) {
    const lo = strataBounds[s];
    const hi = strataBounds[s + 1];
    let denom = 0;
    let nrisk = 0;
    a.fill(0);
    cmat.fill(0);
    let leave = lo;
    let k = hi - 1;
    while (k >= lo) {
      const t = stop[k];
      if (start !== null && byStartDesc !== null) {
        while (leave < hi && start[byStartDesc[leave]] >= t) {
          const r = byStartDesc[leave];
          denom -= risk[r];
          nrisk--;
          addRow(p, x, r * p, -risk[r], a, cmat);
          leave++;
        }
        // Removing by subtraction leaves rounding residue; an empty risk set is exactly empty.
        if (nrisk === 0) {
          denom = 0;
          a.fill(0);
          cmat.fill(0);
        }
      }
      let ndead = 0;
      let deadwt = 0;
      let deadDenom = 0;
      const top = k;
      for (; k >= lo && stop[k] === t; k--) {
        nrisk++;
        if (event[k] === 1) {
          if (ndead === 0) {
            du.fill(0);
            aDead.fill(0);
            cDead.fill(0);
          }
          const off = k * p;
          const w = weight[k];
          ndead++;
          deadwt += w;
          deadDenom += risk[k];
          loglik += w * eta[k];
          for (let i = 0; i < p; i++) du[i] += w * x[off + i];
          addRow(p, x, off, risk[k], aDead, cDead);
        } else {
          denom += risk[k];
          addRow(p, x, k * p, risk[k], a, cmat);
        }
      }
      if (ndead === 0) continue;
      dimat.fill(0);
      // Breslow is Efron's formula with a single step holding all deaths.
      const steps = ties === 'efron' ? ndead : 1;
      const stepWeight = deadwt / steps;
      for (let step = 1; step <= steps; step++) {
        const frac = step / steps;
        const d = denom + frac * deadDenom;
        loglik -= stepWeight * Math.log(d);
        for (let i = 0; i < p; i++) {
          mean[i] = (a[i] + frac * aDead[i]) / d;
          du[i] -= stepWeight * mean[i];
        }
        for (let i = 0; i < p; i++) {
          const base = i * p;
          for (let j = 0; j <= i; j++) {
            dimat[base + j] += stepWeight * ((cmat[base + j] + frac * cDead[base + j]) / d - mean[i] * mean[j]);
          }
        }
      }
      for (let i = 0; i < p; i++) {
        for (let j = 0; j < i; j++) dimat[j * p + i] = dimat[i * p + j];
      }
      for (let i = 0; i < p; i++) u[i] += du[i];
      for (let i = 0; i < pp; i++) imat[i] += dimat[i];
      if (hook !== undefined) hook(top, du, dimat);
      denom += deadDenom;
      for (let i = 0; i < p; i++) a[i] += aDead[i];
      for (let i = 0; i < pp; i++) cmat[i] += cDead[i];
    }
  }
  return { loglik, u, imat };
}
