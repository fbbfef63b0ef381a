/** Public types of the Cox engine (see docs/stats-cox.md). */

export type Ties = 'efron' | 'breslow';

export interface CoxInput {
  /** Event/censoring time (right-censored) or interval end (counting process). */
  stop: Float64Array;
  /** Counting-process (start, stop] entry times; absent for right-censored data. */
  start?: Float64Array;
  /** 1 = event, 0 = censored. */
  event: Uint8Array;
  /** Design columns, one Float64Array per term column (length n each). */
  x: Float64Array[];
  /** Column names (one per column of x). */
  names: string[];
  /** Stratum code per row. */
  strata?: Int32Array;
  /** Case weights (> 0). */
  weights?: Float64Array;
  /** Cluster id per row; implies robust variance (R's cluster()). */
  cluster?: Int32Array;
  /** Sandwich variance (D'D of weighted dfbeta). R also turns it on for non-integer weights. */
  robust?: boolean;
  /** Default 'efron'. */
  ties?: Ties;
  /** Starting beta (default 0). */
  init?: Float64Array;
  /** Defaults 20 and 1e-9 (R's coxph.control). */
  maxIter?: number;
  eps?: number;
}

export interface CoxTerm {
  term: string;
  coef: number;
  se: number;
  robustSe: number | null;
  hr: number;
  /** 95% CI of the hazard ratio; z, p and the CI use the robust se when the fit is robust. */
  lower: number;
  upper: number;
  z: number;
  p: number;
}

export interface CoxTest {
  stat: number;
  df: number;
  p: number;
}

export interface ConcordanceCounts {
  concordant: number;
  discordant: number;
  tiedX: number;
  tiedY: number;
  tiedXY: number;
}

export interface CoxFit {
  n: number;
  nevent: number;
  iterations: number;
  converged: boolean;
  ties: Ties;
  robust: boolean;
  coef: Float64Array;
  varModel: number[][];
  varRobust: number[][] | null;
  means: Float64Array;
  /** Linear predictor per input row, centred on `means` (R's fit$linear.predictors). */
  linearPredictors: Float64Array;
  loglik: { null: number; model: number };
  terms: CoxTerm[];
  tests: {
    likelihoodRatio: CoxTest;
    /** Robust Wald when the fit is robust (as R's summary); see waldModel for the model-based one. */
    wald: CoxTest;
    waldModel: CoxTest;
    score: CoxTest;
    robustScore: CoxTest | null;
  };
  concordance: { value: number; se: number; counts: ConcordanceCounts };
  /** e.g. R's "coefficient may be infinite" (monotone likelihood). */
  warnings: string[];
}

/** A fit without the concordance (fitCoxModel), for model building. */
export type CoxModelFit = Omit<CoxFit, 'concordance'>;

export type ZphTransform = 'km' | 'identity' | 'rank';

export interface ZphOptions {
  transform: ZphTransform;
  /** Columns per term, so a factor is one multi-df test; default one term per column. */
  termColumns?: number[][];
  /** Term names matching termColumns; default the column names. */
  termNames?: string[];
}

export interface ZphRow {
  term: string;
  chisq: number;
  df: number;
  p: number;
}

export interface ZphResult {
  terms: ZphRow[];
  global: ZphRow;
}
