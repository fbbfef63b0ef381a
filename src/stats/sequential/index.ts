export { alphaSpent, type Sides, type SpendingType } from './spending.ts';
export { groupSequentialDesign, type Design, type DesignSpec, type Look } from './boundaries.ts';
export { currentBoundary, type MonitoringSpec } from './monitoring.ts';
export { repeatedConfidenceInterval, type RepeatedCi } from './repeatedCi.ts';
export { boundaryAfterHistory, type RecordedLook, type BoundaryAfterHistory } from './recordedHistory.ts';
export { inflationFactor, upperCrossingPower } from './inflationFactor.ts';
