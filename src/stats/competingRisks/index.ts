export type { CifAtTimes, CifCurve, CifTable, CompetingRisksData } from './types.ts';
export { aalenJohansen, probabilityBand } from './aalenJohansen.ts';
export { cumulativeIncidence, cifAtTimes, EVENT_FREE_STATE, type CifOptions } from './cumulativeIncidence.ts';
export { grayTest, GrayTestError, type GrayTestInput, type GrayTestResult } from './grayTest.ts';
