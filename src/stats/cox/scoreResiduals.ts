/**
 * Score residuals of a Cox fit at a given beta (survival's coxscore2/agscore3), one p-vector per row:
 *   L_i = δ_i (x_i − x̄(t_i)) − r_i Σ_k c_ik h_k (x_i − x̄_k),
 * with Efron's ties split into d steps where the deaths enter the k-th step with weight k/d and the
 * hazard step is the average death weight over the step's risk sum (Therneau & Grambsch 2000, sec 7.2).
 * The residuals are unweighted; Σ w_i L_i is the score. Rows are in the prepared (sorted) order.
 */
import type { PreparedCox } from './prepare.ts';
import { linearPredictor } from './riskSetSweep.ts';
import type { Ties } from './types.ts';

/** Per-stratum death-time tables, ascending in time, with prefix sums over the hazard steps. */
interface DeathTimes {
  count: number;
  time: Float64Array;
  /** Prefix Σ h over death times (length D + 1). */
  hazard: Float64Array;
  /** Prefix Σ h·x̄ ((D + 1) × p). */
  hazardX: Float64Array;
  /** At each death time: the deaths' own share Σ (k/d) h_k and Σ (k/d) h_k x̄_k, and the mean of x̄_k. */
  deadHazard: Float64Array;
  deadHazardX: Float64Array;
  meanX: Float64Array;
}

function upperBound(values: Float64Array, count: number, t: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function countDeathTimes(prep: PreparedCox, lo: number, hi: number): number {
  let d = 0;
  let last = Number.NaN;
  for (let k = lo; k < hi; k++) {
    if (prep.event[k] === 1 && prep.stop[k] !== last) {
      d++;
      last = prep.stop[k];
    }
  }
  return d;
}

function stratumDeathTimes(prep: PreparedCox, eta: Float64Array, ties: Ties, lo: number, hi: number): DeathTimes {
  const { p, x, stop, start, event, weight, byStartDesc } = prep;
  const D = countDeathTimes(prep, lo, hi);
  const out: DeathTimes = {
    count: D,
    time: new Float64Array(D),
    hazard: new Float64Array(D + 1),
    hazardX: new Float64Array((D + 1) * p),
    deadHazard: new Float64Array(D),
    deadHazardX: new Float64Array(D * p),
    meanX: new Float64Array(D * p),
  };
  // Per-time hazard steps, filled from the last death time down; prefix sums afterwards.
  const h = new Float64Array(D);
  const hx = new Float64Array(D * p);
  const a = new Float64Array(p);
  const aDead = new Float64Array(p);
  let denom = 0;
  let count = 0;
  let m = D;
  let leave = lo;
  let k = hi - 1;
  while (k >= lo) {
    const t = stop[k];
    if (start !== null && byStartDesc !== null) {
      while (leave < hi && start[byStartDesc[leave]] >= t) {
        const r = byStartDesc[leave];
        const risk = Math.exp(eta[r]) * weight[r];
        denom -= risk;
        count--;
        for (let i = 0; i < p; i++) a[i] -= risk * x[r * p + i];
        leave++;
      }
      if (count === 0) {
        denom = 0;
        a.fill(0);
      }
    }
    let ndead = 0;
    let deadwt = 0;
    let deadDenom = 0;
    aDead.fill(0);
    for (; k >= lo && stop[k] === t; k--) {
      const risk = Math.exp(eta[k]) * weight[k];
      count++;
      if (event[k] === 1) {
        ndead++;
        deadwt += weight[k];
        deadDenom += risk;
        for (let i = 0; i < p; i++) aDead[i] += risk * x[k * p + i];
      } else {
        denom += risk;
        for (let i = 0; i < p; i++) a[i] += risk * x[k * p + i];
      }
    }
    if (ndead > 0) {
      m--;
      out.time[m] = t;
      const steps = ties === 'efron' ? ndead : 1;
      const stepWeight = deadwt / steps;
      for (let step = 1; step <= steps; step++) {
        const frac = step / steps;
        const d = denom + frac * deadDenom;
        const hk = stepWeight / d;
        h[m] += hk;
        out.deadHazard[m] += frac * hk;
        for (let i = 0; i < p; i++) {
          const xbar = (a[i] + frac * aDead[i]) / d;
          hx[m * p + i] += hk * xbar;
          out.deadHazardX[m * p + i] += frac * hk * xbar;
          out.meanX[m * p + i] += xbar / steps;
        }
      }
    }
    denom += deadDenom;
    for (let i = 0; i < p; i++) a[i] += aDead[i];
  }
  for (let j = 0; j < D; j++) {
    out.hazard[j + 1] = out.hazard[j] + h[j];
    for (let i = 0; i < p; i++) out.hazardX[(j + 1) * p + i] = out.hazardX[j * p + i] + hx[j * p + i];
  }
  return out;
}

/** Unweighted score residuals (n × p row-major, sorted order) at beta. */
export function scoreResiduals(prep: PreparedCox, beta: ArrayLike<number>, ties: Ties): Float64Array {
  const { n, p, x, stop, start, event, strataBounds } = prep;
  const eta = linearPredictor(prep, beta);
  const resid = new Float64Array(n * p);
  for (let s = 0; s + 1 < strataBounds.length; s++) {
    const lo = strataBounds[s];
    const hi = strataBounds[s + 1];
    const dt = stratumDeathTimes(prep, eta, ties, lo, hi);
    for (let k = lo; k < hi; k++) {
      const iStop = upperBound(dt.time, dt.count, stop[k]);
      const iStart = start === null ? 0 : upperBound(dt.time, dt.count, start[k]);
      let h = dt.hazard[iStop] - dt.hazard[iStart];
      const r = Math.exp(eta[k]);
      const own = event[k] === 1 ? iStop - 1 : -1;
      if (own >= 0) h += dt.deadHazard[own] - (dt.hazard[own + 1] - dt.hazard[own]);
      for (let i = 0; i < p; i++) {
        let hx = dt.hazardX[iStop * p + i] - dt.hazardX[iStart * p + i];
        let value = 0;
        if (own >= 0) {
          hx += dt.deadHazardX[own * p + i] - (dt.hazardX[(own + 1) * p + i] - dt.hazardX[own * p + i]);
          value = x[k * p + i] - dt.meanX[own * p + i];
        }
        resid[k * p + i] = value - r * (x[k * p + i] * h - hx);
      }
    }
  }
  return resid;
}
