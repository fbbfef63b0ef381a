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
  time: number[];
  /** Prefix Σ h over death times (length D + 1). */
  hazard: number[];
  /** Prefix Σ h·x̄ (length (D + 1) × p). */
  hazardX: number[];
  /** At each death time: the deaths' own weighted share Σ (k/d) h_k and Σ (k/d) h_k x̄_k, and the mean x̄. */
  deadHazard: number[];
  deadHazardX: number[];
  meanX: number[];
}

function upperBound(values: number[], t: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function stratumDeathTimes(prep: PreparedCox, eta: Float64Array, ties: Ties, lo: number, hi: number): DeathTimes {
  const { p, x, stop, start, event, weight, byStartDesc } = prep;
  const a = new Float64Array(p);
  const aDead = new Float64Array(p);
  let denom = 0;
  let count = 0;
  // Collected backwards, reversed at the end.
  const rec: { time: number; h: number; hx: Float64Array; dh: number; dhx: Float64Array; mean: Float64Array }[] = [];
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
      const steps = ties === 'efron' ? ndead : 1;
      const stepWeight = deadwt / steps;
      let h = 0;
      let dh = 0;
      const hx = new Float64Array(p);
      const dhx = new Float64Array(p);
      const mean = new Float64Array(p);
      for (let step = 1; step <= steps; step++) {
        const frac = step / steps;
        const d = denom + frac * deadDenom;
        const hk = stepWeight / d;
        h += hk;
        dh += frac * hk;
        for (let i = 0; i < p; i++) {
          const xbar = (a[i] + frac * aDead[i]) / d;
          hx[i] += hk * xbar;
          dhx[i] += frac * hk * xbar;
          mean[i] += xbar / steps;
        }
      }
      rec.push({ time: t, h, hx, dh, dhx, mean });
    }
    denom += deadDenom;
    for (let i = 0; i < p; i++) a[i] += aDead[i];
  }
  rec.reverse();
  const out: DeathTimes = { time: [], hazard: [0], hazardX: new Array<number>(p).fill(0), deadHazard: [], deadHazardX: [], meanX: [] };
  for (let m = 0; m < rec.length; m++) {
    const r = rec[m];
    out.time.push(r.time);
    out.hazard.push(out.hazard[m] + r.h);
    for (let i = 0; i < p; i++) out.hazardX.push(out.hazardX[m * p + i] + r.hx[i]);
    out.deadHazard.push(r.dh);
    for (let i = 0; i < p; i++) {
      out.deadHazardX.push(r.dhx[i]);
      out.meanX.push(r.mean[i]);
    }
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
      const iStop = upperBound(dt.time, stop[k]);
      const iStart = start === null ? 0 : upperBound(dt.time, start[k]);
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
