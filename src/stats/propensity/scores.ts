import { fitLogistic, type LogisticFit } from '../logistic.ts';

export interface PropensityInput {
  /** 1 = treated, 0 = control. */
  treatment: ArrayLike<number>;
  /** Confounder design columns (dummies for factors), no missing values. */
  x: readonly Float64Array[];
  names: readonly string[];
}

export interface PropensityScores {
  /** P(treated | covariates) per row, from the logistic model. */
  scores: Float64Array;
  model: LogisticFit;
  warnings: string[];
}

/**
 * Propensity scores from a main-effects logistic regression of treatment on the confounders
 * (Rosenbaum & Rubin 1983). Separation in that model means some patients' treatment is determined by
 * their covariates: a positivity violation that IPT weighting cannot repair, so it is reported as such.
 */
export function propensityScores(input: PropensityInput): PropensityScores {
  const model = fitLogistic({ y: input.treatment, x: input.x, names: input.names });
  const warnings = model.warnings.map((w) => `propensity model: ${w}`);
  if (model.separation) warnings.push('propensity scores of 0 or 1: positivity is violated for some covariate patterns');
  return { scores: model.fitted, model, warnings };
}
