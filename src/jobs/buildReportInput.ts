import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { toStoredEvent } from '../contract/index.ts';
import type { FollowUpEvent, StoredEvent } from '../contract/index.ts';
import type { Database } from '../db/database.ts';
import { datasetHash } from '../analysis/datasetHash.ts';
import type { EndpointId, PopulationId } from '../analysis/plan.ts';
import type { ModelKind } from '../analysis/runResult.ts';
import { assembleReportInput, EventLedgerBuilder } from '../reports/assembly/index.ts';
import type { StoredEstimate, StoredRunResults } from '../reports/assembly/index.ts';
import type { ReportInput } from '../reports/index.ts';
import { deriveTimeline, parseCutoff, toAnalysisRow } from '../timeline/index.ts';
import type { AnalysisRow } from '../timeline/index.ts';
import { runPlanOf } from './planAmendments.ts';
import { lookHistoryRuns } from './previousLooks.ts';
import { boundaryTables } from './reportInput/boundaryTables.ts';

const OVERDUE_MONTHS = 6;
const PATIENTS_PER_PAGE = 500;
const TITLE = 'CohortWatch quarterly report: PTR/PORT registry';

export class NoRunError extends Error {
  override name = 'NoRunError';
}

/** The data as of the cutoff are not the data the run analysed: the report refuses rather than mix them. */
export class DatasetChangedError extends Error {
  override name = 'DatasetChangedError';
}

async function storedEstimates(db: Kysely<Database>, runIds: readonly number[]): Promise<StoredEstimate[]> {
  if (runIds.length === 0) return [];
  const rows = await db.selectFrom('analysis_estimates').innerJoin('analysis_runs', 'analysis_runs.id', 'analysis_estimates.run_id')
    .selectAll('analysis_estimates').select(['analysis_runs.look', 'analysis_runs.cutoff'])
    .where('run_id', 'in', runIds).orderBy('analysis_runs.cutoff').orderBy('analysis_estimates.id').execute();
  return rows.map((r) => {
    // Per-arm events are stored with every monitoring estimate; only paper-replication rows stored
    // before their counts were computed lack them (null: not computed, never a count of 0).
    if (r.model === 'monitoring' && (r.events_port === null || r.events_no_port === null)) {
      throw new Error(`stored estimate ${r.id} (${r.population}/${r.endpoint}) has no events per arm`);
    }
    return {
      population: r.population as PopulationId, endpoint: r.endpoint as EndpointId, model: r.model as ModelKind, term: r.term,
      primary: r.is_primary, n: r.n, events: r.events, eventsPort: r.events_port, eventsPtr: r.events_no_port,
      coef: r.coef, se: r.se, hr: r.hr, lower: r.lower, upper: r.upper, z: r.z, p: r.p, informationFraction: r.information_fraction,
      boundaryZ: r.boundary_z, repeatedLower: r.repeated_lower, repeatedUpper: r.repeated_upper, details: r.details, look: r.look, cutoff: r.cutoff,
    } satisfies StoredEstimate;
  });
}

interface RegistryAsOf {
  rows: AnalysisRow[];
  ledger: EventLedgerBuilder;
  /** Patients alive and not seen within the overdue window, of the patients alive. */
  overdue: { patients: number; ofPatients: number };
  /** Patients seen (or dead) within the overdue window. */
  current: Set<string>;
}

/**
 * One pass over the event log as of the cutoff, a page of patients at a time: the analysis rows
 * (exactly as the reanalysis derived them, so they hash the same), the event ledger, and follow-up
 * currency. Patient ids stay here; only counts leave.
 */
async function registryAsOf(db: Kysely<Database>, cutoff: Date, previousCutoff: Date | null): Promise<RegistryAsOf> {
  const ledger = new EventLedgerBuilder(cutoff, previousCutoff);
  const rows: AnalysisRow[] = [];
  const current = new Set<string>();
  const overdueFrom = new Date(cutoff);
  overdueFrom.setUTCMonth(overdueFrom.getUTCMonth() - OVERDUE_MONTHS);
  const overdueDay = overdueFrom.toISOString().slice(0, 10);
  let alive = 0;
  let overdue = 0;
  let after = '';
  for (;;) {
    const page = await db.selectFrom('follow_up_events').select('patient_id').distinct()
      .where('patient_id', '>', after).where('reported_at', '<=', cutoff).orderBy('patient_id').limit(PATIENTS_PER_PAGE).execute();
    if (page.length === 0) break;
    const ids = page.map((p) => p.patient_id);
    const events = await db.selectFrom('follow_up_events').select(['patient_id', 'payload'])
      .where('patient_id', 'in', ids).where('reported_at', '<=', cutoff).execute();
    const byPatient = new Map<string, StoredEvent[]>(ids.map((id) => [id, []]));
    // Payloads were validated before they were stored; the log holds nothing else.
    for (const e of events) byPatient.get(e.patient_id)?.push(toStoredEvent(e.payload as unknown as FollowUpEvent));
    for (const [patientId, mine] of byPatient) {
      ledger.addPatient(mine);
      const { timeline } = deriveTimeline(mine, cutoff);
      if (timeline === null) continue;
      rows.push(toAnalysisRow(patientId, timeline.centre, timeline));
      const seen = timeline.deathDate !== null || timeline.lastKnownDate >= overdueDay;
      if (seen) current.add(patientId);
      if (timeline.deathDate === null) {
        alive += 1;
        if (!seen) overdue += 1;
      }
    }
    after = ids[ids.length - 1];
  }
  return { rows, ledger, overdue: { patients: overdue, ofPatients: alive }, current };
}

/**
 * The quarterly report's input for the stored run of a cutoff. Refuses (DatasetChangedError) when the
 * data as of the cutoff no longer hash to the run's dataset hash (an event reported by the cutoff
 * arrived after the run): the report renders exactly the data its run analysed, or nothing.
 */
export async function buildReportInput(db: Kysely<Database>, cutoff: string, smallCellMin: number): Promise<ReportInput> {
  // Every live look of the registry (an amendment changes the plan version, not the look sequence; voided looks are out).
  const runs = await lookHistoryRuns(db).selectAll('analysis_runs').orderBy('analysis_runs.cutoff').execute();
  const index = runs.findIndex((r) => r.cutoff === cutoff);
  if (index < 0) throw new NoRunError(`no completed analysis run for cutoff ${cutoff}; run \`cohortwatch reanalyze --as-of ${cutoff}\` first`);
  const run = runs[index];
  const planVersion = run.plan_version;
  const previous = index > 0 ? runs[index - 1] : null;
  const registry = await registryAsOf(db, parseCutoff(cutoff), previous ? parseCutoff(previous.cutoff) : null);
  const hash = datasetHash(registry.rows);
  if (run.dataset_hash === null) throw new DatasetChangedError(`run ${run.id} (cutoff ${cutoff}) stored no dataset hash; the report cannot show that it renders the analysed data`);
  if (hash !== run.dataset_hash) {
    throw new DatasetChangedError(`the data as of ${cutoff} hash to ${hash.slice(0, 12)}…, not to run ${run.id}'s dataset ${run.dataset_hash.slice(0, 12)}…: events reported by the cutoff arrived after the run; the report refuses to mix them`);
  }
  const rejections = await db.selectFrom('rejected_events').select(['code', 'reported_at', 'rejected_at'])
    .select(sql<string | null>`payload->>'type'`.as('type')).execute();
  for (const r of rejections) registry.ledger.addRejection({ code: r.code, type: r.type, reportedAt: r.reported_at ?? r.rejected_at });
  const alerts = await db.selectFrom('alerts').select(['id', 'rule', 'population', 'endpoint', 'evidence']).where('run_id', '=', run.id).where('status', '=', 'fired')
    // State changes (rule 'state') are shown in the monitoring section's boundary table, not as alert cards.
    .where('rule', '!=', 'state').orderBy('id').execute();
  return assembleReportInput({
    title: TITLE,
    run: {
      id: run.id, cutoff, look: run.look, planVersion, plan: runPlanOf(run), codeVersion: run.code_version, datasetHash: run.dataset_hash,
      results: run.results as StoredRunResults,
    },
    previousCutoff: previous?.cutoff ?? null,
    estimates: await storedEstimates(db, runs.slice(0, index + 1).map((r) => r.id)),
    alerts,
    rows: registry.rows,
    ledger: registry.ledger.build(),
    dataQuality: { overdueFollowUp: { overdueAfterMonths: OVERDUE_MONTHS, ...registry.overdue }, currentFollowUp: registry.current },
    smallCellMin,
    generatedAt: new Date(),
    boundaryTables: await boundaryTables(db, cutoff),
  });
}

/** Curve helpers the dashboard shares with the report (pure, in src/reports/assembly). */
export { armCurve, riskTable } from '../reports/assembly/index.ts';
