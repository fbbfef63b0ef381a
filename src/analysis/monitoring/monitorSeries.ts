import type { AnalysisPlan } from '../plan.ts';
import type { PlanRow } from '../planRow.ts';
import { runPlan } from '../runPlan.ts';
import { monitorLook } from './monitorLook.ts';
import type { MonitoringLookOptions, MonitoringLookResult } from './monitorLook.ts';
import type { MonitoringHistory } from './types.ts';

/**
 * A registry monitored look after look without a database: the reanalysis job's path (runPlan, then
 * monitorLook with the history the earlier looks left), with the plan run restricted to what the alert
 * rules read (scope 'alerts'). For the calibration and the demo's dry runs; yields every look's result.
 */
export function* monitorSeries(
  plan: AnalysisPlan, looks: Iterable<{ cutoff: string; rows: readonly PlanRow[] }>, options: MonitoringLookOptions = {},
): Generator<MonitoringLookResult> {
  let history: MonitoringHistory = new Map();
  let look = 0;
  for (const { cutoff, rows } of looks) {
    look++;
    const { estimates } = runPlan(plan, rows, { scope: 'alerts' });
    const result = monitorLook(plan, { cutoff, look, estimates }, history, options);
    history = result.history;
    yield result;
  }
}
