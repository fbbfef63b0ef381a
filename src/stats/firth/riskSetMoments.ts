/**
 * The Cox partial log-likelihood l(β), score U, information I and the derivative of the information
 * ∂I/∂β_r for Firth's penalty (Heinze & Schemper 2001, Stat Med 21:2409, eq. 4), in one backward pass
 * over the rows sorted by (stratum, stop).
 *
 * At each death time the risk set defines a distribution over covariate vectors with weights
 * w_i·exp(η_i); I is the (death-weighted) sum of its covariance matrices, and ∂I_st/∂β_r is the same
 * sum of its third central moments κ_str = E[(x−x̄)_s (x−x̄)_t (x−x̄)_r], since the covariance of an
 * exponential tilt differentiates to the third cumulant. Ties: Breslow, or Efron's averaged risk sets
 * (the k-th of d tied deaths sees the deaths with weight 1 − k/d, each contributing the mean death
 * weight, as survival's coxfit6), to which the same moments apply.
 */
import type { PreparedCox } from '../cox/prepare.ts';
import { linearPredictor } from '../cox/riskSetSweep.ts';
import type { Ties } from '../cox/types.ts';

export interface CoxMoments {
  loglik: number;
  score: Float64Array;
  /** p × p row-major. */
  information: Float64Array;
  /** dInformation[r·p² + s·p + t] = ∂I_st/∂β_r. */
  dInformation: Float64Array;
}

/** Raw weighted moment sums Σr, Σr·x, Σr·x xᵀ, Σr·x⊗x⊗x of a set of rows (full tensors, p is small). */
class MomentSums {
  s0 = 0;
  count = 0;
  readonly s1: Float64Array;
  readonly s2: Float64Array;
  readonly s3: Float64Array;
  constructor(private readonly p: number) {
    this.s1 = new Float64Array(p);
    this.s2 = new Float64Array(p * p);
    this.s3 = new Float64Array(p * p * p);
  }
  reset(): void {
    this.s0 = 0;
    this.count = 0;
    this.s1.fill(0);
    this.s2.fill(0);
    this.s3.fill(0);
  }
  addSums(other: MomentSums): void {
    this.s0 += other.s0;
    this.count += other.count;
    for (let a = 0; a < this.s1.length; a++) this.s1[a] += other.s1[a];
    for (let a = 0; a < this.s2.length; a++) this.s2[a] += other.s2[a];
    for (let a = 0; a < this.s3.length; a++) this.s3[a] += other.s3[a];
  }
  add(x: Float64Array, off: number, weight: number, sign: 1 | -1): void {
    const { p, s1, s2, s3 } = this;
    const r = sign * weight;
    this.s0 += r;
    this.count += sign;
    for (let a = 0; a < p; a++) {
      const ra = r * x[off + a];
      s1[a] += ra;
      for (let b = 0; b < p; b++) {
        const rab = ra * x[off + b];
        s2[a * p + b] += rab;
        const base = (a * p + b) * p;
        for (let c = 0; c < p; c++) s3[base + c] += rab * x[off + c];
      }
    }
  }
}

export function coxMoments(prep: PreparedCox, beta: ArrayLike<number>, ties: Ties): CoxMoments {
  const { p, x, stop, start, event, weight, strataBounds, byStartDesc } = prep;
  const eta = linearPredictor(prep, beta);
  // A common shift of η cancels in every ratio and in l (Σ_deaths w·η − Σ w̄·log S0), so take out the
  // largest to keep exp() finite when the penalty allows large coefficients.
  let shift = -Infinity;
  for (const e of eta) shift = Math.max(shift, e);
  const riskWeight = (k: number): number => Math.exp(eta[k] - shift) * weight[k];

  const out: CoxMoments = {
    loglik: 0,
    score: new Float64Array(p),
    information: new Float64Array(p * p),
    dInformation: new Float64Array(p * p * p),
  };
  const risk = new MomentSums(p);
  const dead = new MomentSums(p);
  const mean = new Float64Array(p);
  const m2 = new Float64Array(p * p);

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
          risk.add(x, byStartDesc[leave] * p, riskWeight(byStartDesc[leave]), -1);
          leave++;
        }
        if (risk.count === 0) risk.reset();
      }
      dead.reset();
      let ndead = 0;
      let deadWeight = 0;
      for (; k >= lo && stop[k] === t; k--) {
        const off = k * p;
        if (event[k] === 1) {
          ndead++;
          deadWeight += weight[k];
          out.loglik += weight[k] * (eta[k] - shift);
          for (let a = 0; a < p; a++) out.score[a] += weight[k] * x[off + a];
          dead.add(x, off, riskWeight(k), 1);
        } else {
          risk.add(x, off, riskWeight(k), 1);
        }
      }
      if (ndead === 0) continue;
      const steps = ties === 'efron' ? ndead : 1;
      const stepWeight = deadWeight / steps;
      for (let step = 1; step <= steps; step++) {
        addRiskSetTerm(out, risk, dead, step / steps, stepWeight, p, mean, m2);
      }
      // The deaths stay in the risk set of every earlier time.
      risk.addSums(dead);
    }
  }
  return out;
}

/**
 * One risk set's contribution: −w̄ log S0, −w̄ x̄, w̄·Cov, w̄·κ3. The set is the survivors plus the
 * fraction `frac` of this time's deaths (1 for Breslow; k/d for Efron's k-th step).
 */
function addRiskSetTerm(
  out: CoxMoments,
  risk: MomentSums,
  dead: MomentSums,
  frac: number,
  w: number,
  p: number,
  mean: Float64Array,
  m2: Float64Array,
): void {
  const s0 = risk.s0 + frac * dead.s0;
  out.loglik -= w * Math.log(s0);
  for (let a = 0; a < p; a++) {
    mean[a] = (risk.s1[a] + frac * dead.s1[a]) / s0;
    out.score[a] -= w * mean[a];
  }
  for (let a = 0; a < p * p; a++) m2[a] = (risk.s2[a] + frac * dead.s2[a]) / s0;
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) {
      out.information[a * p + b] += w * (m2[a * p + b] - mean[a] * mean[b]);
      const base = (a * p + b) * p;
      for (let c = 0; c < p; c++) {
        const m3 = (risk.s3[base + c] + frac * dead.s3[base + c]) / s0;
        // Third central moment from raw moments: E3 − x̄_c E2_ab − x̄_a E2_bc − x̄_b E2_ac + 2 x̄_a x̄_b x̄_c.
        const k3 = m3 - mean[c] * m2[a * p + b] - mean[a] * m2[b * p + c] - mean[b] * m2[a * p + c] + 2 * mean[a] * mean[b] * mean[c];
        out.dInformation[c * p * p + a * p + b] += w * k3;
      }
    }
  }
}
