/** The Cox engine's public surface (docs/stats-cox.md). */
export type { ConcordanceCounts, CoxFit, CoxInput, CoxModelFit, CoxTerm, CoxTest, Ties, ZphOptions, ZphResult, ZphRow, ZphTransform } from './types.ts';
export { fitCox, fitCoxModel, CoxFitError, COX_DEFAULT_EPS, COX_DEFAULT_MAX_ITER } from './fitCox.ts';
export { CoxInputError } from './prepare.ts';
export { coxZph } from './coxZph.ts';
