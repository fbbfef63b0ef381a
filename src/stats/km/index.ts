export type { Band, ConfType, Grouping, KmTable, SurvData } from './types.ts';
export { kaplanMeier } from './kaplanMeier.ts';
export { survivalBand } from './confidenceBand.ts';
export { curveMedian, curveQuantiles, QUANTILE_TOLERANCE } from './quantiles.ts';
export { restrictedMean, type RestrictedMean } from './restrictedMean.ts';
export { valuesAtTimes, type KmAtTimes } from './valuesAtTimes.ts';
export { survivalCurves, type KmCurve, type KmOptions, type QuantileEstimate } from './survivalCurves.ts';
export { reverseKmFollowUp, type FollowUpSummary } from './reverseKmFollowUp.ts';
