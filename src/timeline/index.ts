// Events to endpoint times: the patient's timeline as of a cutoff, subgroups, and the analysis row.
export { deriveTimeline } from './deriveTimeline.ts';
export { parseCutoff } from './cutoff.ts';
export { groupOf, tnbcOf, SUBGROUPS } from './subgroups.ts';
export type { Subgroup } from './subgroups.ts';
export { ANALYSIS_COLUMNS, BASELINE_COLUMNS, toAnalysisRow } from './analysisRow.ts';
export type { AnalysisColumn, AnalysisRow } from './analysisRow.ts';
export { NO_REGISTRATION } from './types.ts';
export type {
  ConflictKind, DataQualityConflict, Endpoint, EndpointStatus, EventCounts, PatientBaseline, SupersededRegistration, Timeline,
  TimelineResult,
} from './types.ts';
export type { StoredEvent } from '../contract/index.ts';
