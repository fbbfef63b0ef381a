export { monitorLook } from './monitorLook.ts';
export type { MonitoringDecision, MonitoringLookInput, MonitoringLookOptions, MonitoringLookResult } from './monitorLook.ts';
export { maxEvents, schoenfeldEvents, spendingTime, calendarFraction } from './maxInformation.ts';
export { conditionalPower } from './conditionalPower.ts';
export { estimandName } from './statements.ts';
export { toLookEstimate, NO_VALIDITY } from './lookEstimate.ts';
export { TERMINAL_STATES } from './types.ts';
export type { CrossingSide, EstimandHistory, EstimandLook, MonitoringHistory, MonitoringState } from './types.ts';
export { monitorSeries } from './monitorSeries.ts';
