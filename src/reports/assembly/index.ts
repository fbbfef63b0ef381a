// Assembling the report's input from a stored look (pure; the shell loads, this assembles).
export { armCurve, assembleReportInput, riskTable, DAYS_PER_MONTH } from './assembleReportInput.ts';
export type { ReportSource, StoredAlert, StoredEstimate, StoredRunResults } from './assembleReportInput.ts';
export { baselineTable, multiLevelSmd } from './baselineTables.ts';
export { EventLedgerBuilder, EVENT_TYPES } from './eventLedger.ts';
export type { EventLedger, RejectionRecord, Tally, TypeFlow } from './eventLedger.ts';
export { forestRows } from './forestRows.ts';
export { modelTerm } from './terms.ts';
