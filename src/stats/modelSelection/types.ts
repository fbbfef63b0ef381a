import type { CoxModelFit, CoxTerm, Ties } from '../cox/index.ts';

export type SelectionCriterion = 'wald' | 'lrt';

/** One candidate term: a numeric column, or all dummies of a factor (tested as one multi-df term). */
export interface CandidateTerm {
  term: string;
  /** Design columns of the term, length n each; NaN marks a missing value. */
  columns: Float64Array[];
  columnNames: string[];
}

export interface SelectionInput {
  stop: Float64Array;
  start?: Float64Array;
  event: Uint8Array;
  strata?: Int32Array;
  weights?: Float64Array;
  ties?: Ties;
  candidates: CandidateTerm[];
  criterion: SelectionCriterion;
  /** Univariate p at or below which a term enters the multivariable model. Default 0.2. */
  enter?: number;
  /** Backward elimination keeps a term while its p is at or below this. Default 0.05. */
  stay?: number;
  /** Terms kept in the model whatever their p (e.g. the treatment of interest). */
  forced?: string[];
}

export interface TermTest {
  term: string;
  stat: number;
  df: number;
  p: number;
}

export interface UnivariateTest extends TermTest {
  /** Rows used (those with this term observed). */
  n: number;
  /** Events among those rows. */
  nevent: number;
  /** The univariate fit's coefficient rows (one per design column), so callers need not refit. */
  coefficients: CoxTerm[];
  entered: boolean;
}

export interface EliminationStep {
  /** The tests of every removable term in the model at this step. */
  tests: TermTest[];
  /** The term removed at this step, or null at the last step (all p <= stay). */
  removed: string | null;
}

export interface SelectionResult {
  criterion: SelectionCriterion;
  /** How each p-value was obtained, for the report. */
  criterionDescription: string;
  enter: number;
  stay: number;
  rule: string;
  univariate: UnivariateTest[];
  entered: string[];
  /** Complete cases of the entered terms: the fixed rows of every multivariable fit. */
  nComplete: number;
  steps: EliminationStep[];
  finalTerms: string[];
  /** Fit of the final model on the complete cases; null when no term is left. */
  finalFit: CoxModelFit | null;
}
