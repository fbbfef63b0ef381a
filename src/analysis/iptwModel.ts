import { balanceTable, effectiveSampleSize, propensityScores, stabilisedWeights } from '../stats/propensity/index.ts';
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

/**
 * The stabilised IPT weights of the estimand's complete cases (row order of `data`), or null when
 * there is no covariate to balance or an arm is empty. Table 1's weighted SMDs use the same weights.
 */
export function iptwWeights(data: EstimandData): Float64Array | null {
  if (data.covariates.length === 0 || data.nPort === 0 || data.nPort === data.n) return null;
  const ps = propensityScores({ treatment: data.port, x: data.covariates.map((c) => c.values), names: data.covariates.map((c) => c.name) });
  // Separation would give propensities of exactly 0 or 1: bounded away so the weights stay finite.
  const scores = ps.scores.map((e) => Math.min(1 - 1e-6, Math.max(1e-6, e)));
  return stabilisedWeights(data.port, scores).weights;
}

/**
 * Inverse-probability-of-treatment weighting beside the monitoring model: a logistic propensity of
 * PORT on the monitoring covariates, stabilised weights P(A=a)/P(A=a|X) (Robins, Hernán & Brumback
 * 2000), balance as |SMD| after weighting, Kish ESS, and the weighted Cox with robust variance.
 * Null when there is no covariate to balance or an arm is empty.
 */
export function propensityWeighted(data: EstimandData): IptwResult | null {
  const w = iptwWeights(data);
  if (w === null) return null;
  const balance = balanceTable(data.port, data.covariates.map((c) => ({ name: c.name, kind: 'binary' as const, values: c.values })), w);
  const maxU = Math.max(0, ...balance.rows.map((r) => Math.abs(r.before.smd)));
  const maxW = Math.max(0, ...balance.rows.map((r) => Math.abs(r.after.smd)));
  const essPort = effectiveSampleSize(w, (i) => data.port[i] === 1);
  const essNoPort = effectiveSampleSize(w, (i) => data.port[i] === 0);
  let fit: PortFit | null = null;
  try {
    fit = fitPortModel(data, w);
  } catch (error) {
    rethrowResourceErrors(error);
    fit = null;
  }
  return { fit, maxAbsSmdUnweighted: maxU, maxAbsSmdWeighted: maxW, essPort, essNoPort, essFraction: (essPort + essNoPort) / data.n };
}
