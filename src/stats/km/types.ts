/** Right-censored survival data, one entry per row (already free of missing values). */
export interface SurvData {
  time: Float64Array;
  /** 1 = event, 0 = censored. */
  event: Uint8Array;
  /** Case weights (default 1). */
  weights?: Float64Array;
}

/** Rows split into curves: `codes[i]` indexes `labels` (0 … labels.length − 1). */
export interface Grouping {
  codes: Int32Array;
  labels: readonly string[];
}

export type ConfType = 'log' | 'log-log' | 'plain';

/** One row per distinct time (event or censoring), as R's survfit object. */
export interface KmTable {
  time: Float64Array;
  nRisk: Float64Array;
  nEvent: Float64Array;
  nCensor: Float64Array;
  surv: Float64Array;
  /** Greenwood standard error of −log S (R's `std.err`); +Infinity once S reaches 0. */
  stdErrLogS: Float64Array;
  /** Nelson-Aalen cumulative hazard and its standard error √Σ d/n² (R's `cumhaz`, `std.chaz`). */
  cumhaz: Float64Array;
  stdChaz: Float64Array;
}

/** A confidence band; NaN where R gives NA (S = 0, or S ∈ {0, 1} for log-log). */
export interface Band {
  lower: Float64Array;
  upper: Float64Array;
}
