export { propensityScores, type PropensityInput, type PropensityScores } from './scores.ts';
export { stabilisedWeights, type StabilisedWeights, type TruncationSpec } from './weights.ts';
export { balanceTable, type BalanceCovariate, type BalanceRow, type BalanceTable, type GroupComparison } from './balance.ts';
export { effectiveSampleSize } from './effectiveSampleSize.ts';
