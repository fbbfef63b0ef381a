import { fitLogistic } from '../stats/logistic.ts';
import type { EstimandData } from './estimandData.ts';
import { fitPortModel } from './monitoringModel.ts';
import type { PortFit } from './monitoringModel.ts';
import { rethrowResourceErrors } from './resourceErrors.ts';

export interface IptwResult {
  /** Weighted Cox of PORT (same covariates) with robust sandwich SE; null when it could not be fitted. */
  readonly fit: PortFit | null;
  readonly maxAbsSmdUnweighted: number;
  readonly maxAbsSmdWeighted: number;
  /** Kish effective sample size per arm, (Σw)² / Σw². */
  readonly essPort: number;
  readonly essNoPort: number;
  /** (essPort + essNoPort) / n. */
  readonly essFraction: number;
}

/** Standardised difference of a binary covariate: (p1 − p0) / sqrt((p1(1−p1) + p0(1−p0)) / 2) (Austin 2009). */
function smdBinary(x: Float64Array, port: Float64Array, w: Float64Array | null): number {
  let s1 = 0, n1 = 0, s0 = 0, n0 = 0;
  for (let i = 0; i < x.length; i++) {
    const wi = w ? w[i] : 1;
    if (port[i] === 1) { s1 += wi * x[i]; n1 += wi; } else { s0 += wi * x[i]; n0 += wi; }
  }
  const p1 = s1 / n1;
  const p0 = s0 / n0;
  const pooled = Math.sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / 2);
  return pooled > 0 ? (p1 - p0) / pooled : 0;
}

function kish(w: Float64Array, port: Float64Array, arm: number): number {
  let s = 0, s2 = 0;
  for (let i = 0; i < w.length; i++) if (port[i] === arm) { s += w[i]; s2 += w[i] * w[i]; }
  return s2 > 0 ? (s * s) / s2 : 0;
}

/**
 * Inverse-probability-of-treatment weighting beside the monitoring model: a logistic propensity of
 * PORT on the monitoring covariates, stabilised weights P(A=a)/P(A=a|X) (Robins, Hernán & Brumback
 * 2000), balance as |SMD| after weighting, Kish ESS, and the weighted Cox with robust variance.
 * Null when there is no covariate to balance or an arm is empty.
 */
export function propensityWeighted(data: EstimandData): IptwResult | null {
  if (data.covariates.length === 0 || data.nPort === 0 || data.nPort === data.n) return null;
  const ps = fitLogistic({ y: data.port, x: data.covariates.map((c) => c.values), names: data.covariates.map((c) => c.name) });
  const marginal = data.nPort / data.n;
  const w = new Float64Array(data.n);
  for (let i = 0; i < data.n; i++) {
    // Separation would give propensities of exactly 0 or 1: bounded away so the weights stay finite.
    const e = Math.min(1 - 1e-6, Math.max(1e-6, ps.fitted[i]));
    w[i] = data.port[i] === 1 ? marginal / e : (1 - marginal) / (1 - e);
  }
  let maxU = 0, maxW = 0;
  for (const c of data.covariates) {
    maxU = Math.max(maxU, Math.abs(smdBinary(c.values, data.port, null)));
    maxW = Math.max(maxW, Math.abs(smdBinary(c.values, data.port, w)));
  }
  const essPort = kish(w, data.port, 1);
  const essNoPort = kish(w, data.port, 0);
  let fit: PortFit | null = null;
  try {
    fit = fitPortModel(data, w);
  } catch (error) {
    rethrowResourceErrors(error);
    fit = null;
  }
  return { fit, maxAbsSmdUnweighted: maxU, maxAbsSmdWeighted: maxW, essPort, essNoPort, essFraction: (essPort + essNoPort) / data.n };
}
