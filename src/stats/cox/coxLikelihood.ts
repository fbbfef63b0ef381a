/**
 * Log partial likelihood, score and information at one beta: the fast path every Newton step uses.
 *
 * Same numbers as the per-death-time accumulation in riskSetSweep.ts (survival's coxfit6/agfit4,
 * Efron with case weights), reorganised so the p² work is done once per row instead of several times per
 * death time: the information is Σ_k Σ_steps s_w [S2_k/d_k − x̄_k x̄_kᵀ], and its first part equals
 * Σ_j r_j c_j x_j x_jᵀ, where c_j sums s_w/d over the steps of the death times whose risk set holds row j
 * (with the Efron fraction k/d at the row's own death time). Pass 1 runs backward over the sorted rows
 * building risk-set sums (loglik, score, x̄ x̄ᵀ part, the c increments); pass 2 adds the rows' outer products.
 */
import { OuterProductBlock } from './outerProductBlock.ts';
import type { PreparedCox } from './prepare.ts';
import type { SweepResult } from './riskSetSweep.ts';
import type { Ties } from './types.ts';

/** Index of the first entry ≤ t in a strictly descending array segment [lo, hi). */
function firstAtOrBelow(desc: Float64Array, lo: number, hi: number, t: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (desc[mid] > t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Scratch {
  eta: Float64Array;
  risk: Float64Array;
  dTime: Float64Array;
  dH: Float64Array;
  dOwn: Float64Array;
}

// Work arrays per prepared fit, reused by every Newton step of that fit (fully overwritten each time):
// allocating 5 data-sized arrays per evaluation made garbage collection a large share of model selection.
const scratchOf = new WeakMap<PreparedCox, Scratch>();

function scratch(prep: PreparedCox): Scratch {
  let s = scratchOf.get(prep);
  if (s === undefined) {
    s = { eta: new Float64Array(prep.n), risk: new Float64Array(prep.n), dTime: new Float64Array(prep.nevent), dH: new Float64Array(prep.nevent), dOwn: new Float64Array(prep.nevent) };
    scratchOf.set(prep, s);
  }
  return s;
}

export function coxLikelihood(prep: PreparedCox, beta: ArrayLike<number>, ties: Ties): SweepResult {
  const { n, p, x, stop, start, event, weight, strataBounds, byStartDesc } = prep;
  const pp = p * p;
  const { eta, risk, dTime, dH, dOwn } = scratch(prep);
  let zero = true;
  for (let j = 0; j < p; j++) if (beta[j] !== 0) zero = false;
  if (zero) {
    // At beta = 0 (R's start) every e below is 0 + 0·x = +0 (x is finite) and exp(0)·w = w exactly.
    eta.fill(0);
    risk.set(weight);
  } else {
    for (let k = 0; k < n; k++) {
      const off = k * p;
      let e = 0;
      for (let j = 0; j < p; j++) e += beta[j] * x[off + j];
      eta[k] = e;
      risk[k] = Math.exp(e) * weight[k];
    }
  }
  const u = new Float64Array(p);
  const imat = new Float64Array(pp);
  // Every update of the information goes through one queue, in the order the passes produce them,
  // so each element sums exactly as if updated in place (outerProductBlock.ts).
  const outer = new OuterProductBlock(p, imat);
  const { left, right, capacity } = outer;
  const a = new Float64Array(p);
  const aDead = new Float64Array(p);
  // Per death time, in the order met (descending time within stratum), in dTime, dH, dOwn: time,
  // Σ s_w/d (row in the risk set as a non-death), Σ frac·s_w/d (the time's own deaths).
  let loglik = 0;
  let q = 0;

  for (let s = 0; s + 1 < strataBounds.length; s++) {
    const lo = strataBounds[s];
    const hi = strataBounds[s + 1];
    const qStart = q;
    let denom = 0;
    let nrisk = 0;
    a.fill(0);
    let leave = lo;
    let k = hi - 1;
    while (k >= lo) {
      const t = stop[k];
      if (start !== null && byStartDesc !== null) {
        while (leave < hi && start[byStartDesc[leave]] >= t) {
          const r = byStartDesc[leave];
          const rr = risk[r];
          denom -= rr;
          nrisk--;
          const off = r * p;
          for (let i = 0; i < p; i++) a[i] -= rr * x[off + i];
          leave++;
        }
        if (nrisk === 0) {
          denom = 0;
          a.fill(0);
        }
      }
      if (k === lo || stop[k - 1] !== t) {
        // A time with a single row (most times with continuous data): no tie bookkeeping needed.
        const rr = risk[k];
        const off = k * p;
        nrisk++;
        if (event[k] === 1) {
          const w = weight[k];
          const d = denom + rr;
          loglik += w * eta[k] - w * Math.log(d);
          const at = outer.count;
          for (let i = 0; i < p; i++) {
            const xi = x[off + i];
            a[i] += rr * xi;
            const m = a[i] / d;
            u[i] += w * (xi - m);
            // imat[i][j] -= (w·m_i)·m_j, queued as + (−w·m_i)·m_j: the same double (IEEE sign symmetry).
            left[i * capacity + at] = -(w * m);
            right[i * capacity + at] = m;
          }
          outer.commit();
          dTime[q] = t;
          dH[q] = w / d;
          dOwn[q] = w / d;
          q++;
          denom = d;
        } else {
          denom += rr;
          for (let i = 0; i < p; i++) a[i] += rr * x[off + i];
        }
        k--;
        continue;
      }
      let ndead = 0;
      let deadwt = 0;
      let deadDenom = 0;
      for (; k >= lo && stop[k] === t; k--) {
        nrisk++;
        const rr = risk[k];
        const off = k * p;
        if (event[k] === 1) {
          if (ndead === 0) aDead.fill(0);
          const w = weight[k];
          ndead++;
          deadwt += w;
          deadDenom += rr;
          loglik += w * eta[k];
          for (let i = 0; i < p; i++) {
            const xi = x[off + i];
            u[i] += w * xi;
            aDead[i] += rr * xi;
          }
        } else {
          denom += rr;
          for (let i = 0; i < p; i++) a[i] += rr * x[off + i];
        }
      }
      if (ndead === 0) continue;
      const steps = ties === 'efron' ? ndead : 1;
      const sw = deadwt / steps;
      let h = 0;
      let own = 0;
      for (let step = 1; step <= steps; step++) {
        const frac = step / steps;
        const d = denom + frac * deadDenom;
        loglik -= sw * Math.log(d);
        h += sw / d;
        own += (frac * sw) / d;
        const at = outer.count;
        for (let i = 0; i < p; i++) {
          const m = (a[i] + frac * aDead[i]) / d;
          u[i] -= sw * m;
          left[i * capacity + at] = -(sw * m);
          right[i * capacity + at] = m;
        }
        outer.commit();
      }
      dTime[q] = t;
      dH[q] = h;
      dOwn[q] = own;
      q++;
      denom += deadDenom;
      for (let i = 0; i < p; i++) a[i] += aDead[i];
    }

    // Pass 2 (ascending time): row j's coefficient c_j = Σ h over the death times in (start_j, stop_j),
    // plus h (or the own-death share) at stop_j; prefix sums over the times in ascending order.
    const qEnd = q;
    const nTimes = qEnd - qStart;
    if (nTimes === 0) continue;
    // prefix[m] = Σ h of the m earliest death times of this stratum.
    const prefix = new Float64Array(nTimes + 1);
    for (let m = 0; m < nTimes; m++) prefix[m + 1] = prefix[m] + dH[qEnd - 1 - m];
    let m = 0; // number of death times < current stop
    for (let j = lo; j < hi; j++) {
      const t = stop[j];
      while (m < nTimes && dTime[qEnd - 1 - m] < t) m++;
      let c = prefix[m];
      if (m < nTimes && dTime[qEnd - 1 - m] === t) c += event[j] === 1 ? dOwn[qEnd - 1 - m] : dH[qEnd - 1 - m];
      if (start !== null) {
        // Death times ≤ start_j are not in the row's risk sets: count of times ≤ start_j.
        const below = qEnd - firstAtOrBelow(dTime, qStart, qEnd, start[j]);
        c -= prefix[below];
      }
      if (c === 0) continue;
      const rc = risk[j] * c;
      const off = j * p;
      const at = outer.count;
      for (let i = 0; i < p; i++) {
        const xi = x[off + i];
        left[i * capacity + at] = rc * xi;
        right[i * capacity + at] = xi;
      }
      outer.commit();
    }
  }
  outer.flush();
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) imat[j * p + i] = imat[i * p + j];
  return { loglik, u, imat };
}
