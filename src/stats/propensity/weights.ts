export interface TruncationSpec {
  /** Quantiles of the weights below/above which weights are set to those quantiles, e.g. 0.01 and 0.99. */
  lower: number;
  upper: number;
}

export interface StabilisedWeights {
  weights: Float64Array;
  /** P(treated), the numerator of the treated rows' weights. */
  marginalTreated: number;
  /** The weight values at the truncation quantiles, when truncating. */
  truncationBounds: { lower: number; upper: number } | null;
  truncatedCount: number;
}

/**
 * Stabilised inverse-probability-of-treatment weights: P(T=1)/e for the treated and P(T=0)/(1−e)
 * for the controls (Robins, Hernán & Brumback 2000), optionally truncated at quantiles of the weight
 * distribution (Cole & Hernán 2008). Quantiles are R's default type 7.
 */
export function stabilisedWeights(
  treatment: ArrayLike<number>,
  scores: ArrayLike<number>,
  truncation?: TruncationSpec,
): StabilisedWeights {
  const n = treatment.length;
  if (scores.length !== n) throw new Error(`${scores.length} propensity scores for ${n} rows`);
  let treated = 0;
  for (let i = 0; i < n; i++) {
    if (treatment[i] !== 0 && treatment[i] !== 1) throw new Error(`treatment must be 0 or 1, row ${i + 1} has ${treatment[i]}`);
    if (!(scores[i] > 0 && scores[i] < 1)) throw new Error(`propensity score at row ${i + 1} must be strictly between 0 and 1, got ${scores[i]}`);
    treated += treatment[i];
  }
  if (treated === 0 || treated === n) throw new Error('stabilised weights need both treated and control rows');
  const marginalTreated = treated / n;
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    weights[i] = treatment[i] === 1 ? marginalTreated / scores[i] : (1 - marginalTreated) / (1 - scores[i]);
  }
  if (!truncation) return { weights, marginalTreated, truncationBounds: null, truncatedCount: 0 };

  const { lower, upper } = truncation;
  if (!(lower >= 0 && lower < upper && upper <= 1)) {
    throw new Error(`truncation quantiles must satisfy 0 <= lower < upper <= 1, got ${lower} and ${upper}`);
  }
  const sorted = Float64Array.from(weights).sort();
  const bounds = { lower: quantileType7(sorted, lower), upper: quantileType7(sorted, upper) };
  let truncatedCount = 0;
  for (let i = 0; i < n; i++) {
    const clipped = Math.min(Math.max(weights[i], bounds.lower), bounds.upper);
    if (clipped !== weights[i]) truncatedCount++;
    weights[i] = clipped;
  }
  return { weights, marginalTreated, truncationBounds: bounds, truncatedCount };
}

/** R's quantile(type = 7): linear interpolation between order statistics at (n − 1)p. */
function quantileType7(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
