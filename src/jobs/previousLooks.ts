import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { INITIAL_RULE_STATE } from '../analysis/alerts/index.ts';
import type { LookEstimate, RuleState, ValidityInputs } from '../analysis/alerts/index.ts';
import type { EndpointId, PopulationId } from '../analysis/plan.ts';
import { estimandKey } from '../analysis/runResult.ts';
import type { PreviousFractions } from '../analysis/runResult.ts';

export interface PreviousRun {
  readonly id: number;
  readonly cutoff: string;
  readonly look: number;
}

export interface PreviousLooks {
  readonly runs: PreviousRun[];
  readonly fractions: PreviousFractions;
  /** Per estimand key: its monitoring PORT estimate at the latest previous look and the rule state left there. */
  readonly last: ReadonlyMap<string, { estimate: LookEstimate; state: RuleState }>;
}

const NO_VALIDITY: ValidityInputs = { phP: null, firth: false, maxAbsSmdWeighted: null, essFraction: null };

/** What the earlier (not voided) looks of this plan left behind, read back from the stored estimates. */
export async function loadPreviousLooks(db: Kysely<Database>, planVersion: string): Promise<PreviousLooks> {
  const runs = await db.selectFrom('analysis_runs').select(['id', 'cutoff', 'look'])
    // A voided look never happened as far as spending and the rules are concerned.
    .where('plan_version', '=', planVersion).where('status', '=', 'completed').where('voided_at', 'is', null).orderBy('cutoff').execute();
  if (runs.length === 0) return { runs, fractions: {}, last: new Map() };
  const rows = await db.selectFrom('analysis_estimates')
    .innerJoin('analysis_runs', 'analysis_runs.id', 'analysis_estimates.run_id')
    .selectAll('analysis_estimates').select(['analysis_runs.cutoff', 'analysis_runs.look'])
    .where('analysis_estimates.run_id', 'in', runs.map((r) => r.id))
    .where('analysis_estimates.model', '=', 'monitoring').where('analysis_estimates.term', '=', 'port')
    .orderBy('analysis_runs.cutoff').execute();
  const fractions: Record<string, number[]> = {};
  const last = new Map<string, { estimate: LookEstimate; state: RuleState }>();
  for (const row of rows) {
    const key = estimandKey(row.population, row.endpoint);
    if (row.is_primary && row.information_fraction !== null) {
      const list = (fractions[key] ??= []);
      // Spending needs strictly increasing fractions: a look that added no information spent nothing.
      if (list.length === 0 || row.information_fraction > list[list.length - 1]) list.push(row.information_fraction);
    }
    if (row.coef === null || row.se === null || row.z === null || row.lower === null || row.upper === null) continue;
    const details = row.details as { ruleState?: RuleState; validity?: ValidityInputs };
    last.set(key, {
      estimate: {
        population: row.population as PopulationId, endpoint: row.endpoint as EndpointId, look: row.look, cutoff: row.cutoff,
        coef: row.coef, se: row.se, z: row.z, events: row.events, eventsPort: row.events_port ?? 0, eventsNoPort: row.events_no_port ?? 0,
        informationFraction: row.information_fraction, boundaryZ: row.boundary_z,
        repeatedLower: row.repeated_lower, repeatedUpper: row.repeated_upper, naiveLower: row.lower, naiveUpper: row.upper,
        validity: details.validity ?? NO_VALIDITY,
      },
      state: details.ruleState ?? INITIAL_RULE_STATE,
    });
  }
  return { runs, fractions, last };
}

/** A stored-shape estimate as the alert rules see it (null when the fit gave no usable estimate). */
export function toLookEstimate(
  e: { population: PopulationId; endpoint: EndpointId; coef: number | null; se: number | null; z: number | null; lower: number | null; upper: number | null;
    events: number; eventsPort: number; eventsNoPort: number; informationFraction: number | null; boundaryZ: number | null;
    repeatedLower: number | null; repeatedUpper: number | null; details: Readonly<Record<string, unknown>> },
  look: number, cutoff: string,
): LookEstimate | null {
  if (e.coef === null || e.se === null || e.z === null || e.lower === null || e.upper === null) return null;
  if (!Number.isFinite(e.coef) || !Number.isFinite(e.se)) return null;
  return {
    population: e.population, endpoint: e.endpoint, look, cutoff, coef: e.coef, se: e.se, z: e.z,
    events: e.events, eventsPort: e.eventsPort, eventsNoPort: e.eventsNoPort,
    informationFraction: e.informationFraction, boundaryZ: e.boundaryZ, repeatedLower: e.repeatedLower, repeatedUpper: e.repeatedUpper,
    naiveLower: e.lower, naiveUpper: e.upper,
    validity: (e.details.validity as ValidityInputs | undefined) ?? NO_VALIDITY,
  };
}
