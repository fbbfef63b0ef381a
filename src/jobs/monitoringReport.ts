import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { DEFAULT_PLAN } from '../analysis/plan.ts';
import type { AnalysisPlan } from '../analysis/plan.ts';
import { monitoringJson } from '../analysis/monitoringJson.ts';
import type { MonitoringJson } from '../analysis/monitoringJson.ts';
import { parseCutoffDate } from '../analysis/lookSchedule.ts';
import { planAt } from './planAmendments.ts';
import { loadEstimandLooks } from './previousLooks.ts';

/**
 * Each primary estimand's monitoring as of a date: the plan in force then, and every stored look
 * (non-voided runs) at a cutoff on or before it. Throws CutoffError on a malformed date.
 */
export async function monitoringReport(db: Kysely<Database>, asOf: string, shipped: AnalysisPlan = DEFAULT_PLAN): Promise<MonitoringJson> {
  const date = parseCutoffDate(asOf);
  const [plan, looks] = await Promise.all([planAt(db, date, shipped), loadEstimandLooks(db, date)]);
  return monitoringJson(plan, looks);
}
