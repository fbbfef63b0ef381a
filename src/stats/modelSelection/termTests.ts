import { pchisqUpper } from '../distributions.ts';
import type { CoxModelFit } from '../cox/index.ts';
import { quadraticFormInverse } from '../linalg/cholesky.ts';
import type { TermTest } from './types.ts';

/**
 * Multi-df Wald test of one term in a fitted model: β_Tᵀ V_TT⁻¹ β_T on the term's columns, with the
 * model-based variance (R: t(b) %*% solve(vcov[cols, cols]) %*% b).
 */
export function waldTermTest(fit: CoxModelFit, term: string, columns: readonly number[]): TermTest {
  const q = columns.length;
  const block = new Float64Array(q * q);
  const b = new Float64Array(q);
  columns.forEach((a, i) => {
    b[i] = fit.coef[a];
    columns.forEach((c, j) => (block[i * q + j] = fit.varModel[a][c]));
  });
  const { stat, rank } = quadraticFormInverse(block, q, b);
  return { term, stat, df: rank, p: pchisqUpper(stat, rank) };
}

/** Likelihood-ratio test of a term: 2(l_full − l_without), both fitted on the same rows. */
export function lrtTermTest(term: string, full: CoxModelFit, reducedLoglik: number, df: number): TermTest {
  const stat = Math.max(0, 2 * (full.loglik.model - reducedLoglik));
  return { term, stat, df, p: pchisqUpper(stat, df) };
}
