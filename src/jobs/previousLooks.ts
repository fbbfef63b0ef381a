import type { Kysely, Selectable } from 'kysely';
import type { MonitoringLooksTable } from '../db/analysisTables.ts';
import type { Database } from '../db/database.ts';
import { INITIAL_RULE_STATE } from '../analysis/alerts/index.ts';
import type { LookEstimate, RuleState, ValidityInputs } from '../analysis/alerts/index.ts';
import { NO_VALIDITY } from '../analysis/monitoring/index.ts';
import type { EstimandLook, MonitoringHistory } from '../analysis/monitoring/index.ts';
import type { EndpointId, PopulationId } from '../analysis/plan.ts';
import { estimandKey } from '../analysis/runResult.ts';

export { toLookEstimate } from '../analysis/monitoring/index.ts';

export interface PreviousRun {
  readonly id: number;
  readonly cutoff: string;
  readonly look: number;
}

export interface PreviousLooks {
  /** The looks that count (completed, not voided), in calendar order. */
  readonly runs: PreviousRun[];
  /** What they left for the next look's monitoring (src/analysis/monitoring). */
  readonly history: MonitoringHistory;
}

/**
 * THE look history: every read of earlier looks (previous estimates, spending history, information
 * history, the monitoring report) goes through this query, so that a look voided by the operators
 * (`looks void`, migration 020: voided_at) is ignored everywhere by one filter: a voided look never
 * happened as far as spending, states and the rules are concerned.
 */
export function lookHistoryRuns(db: Kysely<Database>, asOf?: string) {
  let query = db.selectFrom('analysis_runs').where('analysis_runs.status', '=', 'completed').where('analysis_runs.voided_at', 'is', null);
  if (asOf !== undefined) query = query.where('analysis_runs.cutoff', '<=', asOf);
  return query;
}

/** Stored monitoring_looks row → EstimandLook. */
export function storedEstimandLook(row: Selectable<MonitoringLooksTable> & { cutoff: string; look: number }): EstimandLook {
  return {
    population: row.population as PopulationId, endpoint: row.endpoint as EndpointId, cutoff: row.cutoff, look: row.look,
    planVersion: row.plan_version, family: row.family, state: row.state, side: row.side, events: row.events, maxEvents: row.max_events,
    informationFraction: row.information_fraction, alpha: row.alpha, alphaSpent: row.alpha_spent, boundaryZ: row.boundary_z,
    boundaryHrLower: row.boundary_hr_lower, boundaryHrUpper: row.boundary_hr_upper, coef: row.coef, se: row.se, hr: row.hr, z: row.z,
    repeatedLower: row.repeated_lower, repeatedUpper: row.repeated_upper,
    conditionalPower: { trend: row.conditional_power_trend, design: row.conditional_power_design },
    statement: row.statement, note: row.note,
  };
}

/** Every stored look of the primary estimands (non-voided runs, up to asOf), in look order. */
export async function loadEstimandLooks(db: Kysely<Database>, asOf?: string): Promise<EstimandLook[]> {
  const rows = await lookHistoryRuns(db, asOf)
    .innerJoin('monitoring_looks', 'monitoring_looks.run_id', 'analysis_runs.id')
    .selectAll('monitoring_looks').select(['analysis_runs.cutoff', 'analysis_runs.look'])
    .orderBy('analysis_runs.cutoff').orderBy('monitoring_looks.population').orderBy('monitoring_looks.endpoint').execute();
  return rows.map(storedEstimandLook);
}

/** What the earlier looks left behind, read back from the stored looks and estimates. */
export async function loadPreviousLooks(db: Kysely<Database>): Promise<PreviousLooks> {
  const runs = await lookHistoryRuns(db).select(['analysis_runs.id', 'analysis_runs.cutoff', 'analysis_runs.look']).orderBy('analysis_runs.cutoff').execute();
  if (runs.length === 0) return { runs, history: new Map() };
  const rows = await lookHistoryRuns(db)
    .innerJoin('analysis_estimates', 'analysis_estimates.run_id', 'analysis_runs.id')
    .selectAll('analysis_estimates').select(['analysis_runs.cutoff', 'analysis_runs.look'])
    .where('analysis_estimates.model', '=', 'monitoring').where('analysis_estimates.term', '=', 'port')
    .orderBy('analysis_runs.cutoff').execute();
  const history = new Map<string, { looks: EstimandLook[]; previous: LookEstimate | null; ruleState: RuleState }>();
  const entry = (key: string) => {
    let h = history.get(key);
    if (!h) history.set(key, (h = { looks: [], previous: null, ruleState: INITIAL_RULE_STATE }));
    return h;
  };
  for (const row of rows) {
    const h = entry(estimandKey(row.population, row.endpoint));
    const details = row.details as { ruleState?: RuleState; validity?: ValidityInputs };
    if (details.ruleState) h.ruleState = details.ruleState;
    if (row.coef === null || row.se === null || row.z === null || row.lower === null || row.upper === null) continue;
    // Every monitoring estimate stores its events per arm (the gating rule reads them): a missing one
    // is a bug to report, not 0 events (which would gate, or un-gate, the next look's alerts).
    if (row.events_port === null || row.events_no_port === null) {
      throw new Error(`stored monitoring estimate ${row.id} (${row.population}/${row.endpoint}, look ${row.look}) has no events per arm`);
    }
    h.previous = {
      population: row.population as PopulationId, endpoint: row.endpoint as EndpointId, look: row.look, cutoff: row.cutoff,
      coef: row.coef, se: row.se, z: row.z, events: row.events, eventsPort: row.events_port, eventsPtr: row.events_no_port,
      informationFraction: row.information_fraction, boundaryZ: row.boundary_z,
      repeatedLower: row.repeated_lower, repeatedUpper: row.repeated_upper, naiveLower: row.lower, naiveUpper: row.upper,
      validity: details.validity ?? NO_VALIDITY,
    };
  }
  for (const look of await loadEstimandLooks(db)) entry(estimandKey(look.population, look.endpoint)).looks.push(look);
  return { runs, history };
}
