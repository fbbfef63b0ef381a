import type { EndpointId, PopulationId } from './plan.ts';
import type { CrossingSide, EstimandLook, MonitoringState } from './monitoring/index.ts';
import type { AnalysisPlan } from './plan.ts';

/** One look of a primary estimand in the monitoring JSON. */
export interface MonitoringLookJson {
  readonly cutoff: string;
  readonly events: number;
  readonly informationFraction: number | null;
  /** Cumulative alpha spent by the estimand's family up to this look. */
  readonly alphaSpent: number;
  /** null for a look that spends nothing (accruing, below 1e-12, descriptive). */
  readonly boundaryZ: number | null;
  readonly z: number | null;
  readonly state: MonitoringState;
}

/** A primary estimand as of a date (`cohortwatch monitoring --json`, GET /api/v1/monitoring). */
export interface EstimandMonitoringJson {
  readonly population: PopulationId;
  readonly endpoint: EndpointId;
  readonly state: MonitoringState;
  readonly side: CrossingSide | null;
  /** The design's maximum events at the latest look (null: calendar rule, or no look yet). */
  readonly maxEvents: number | null;
  readonly events: number | null;
  readonly informationFraction: number | null;
  /** Two-sided alpha of the current spending family. */
  readonly alpha: number;
  readonly alphaSpent: number;
  readonly coef: number | null;
  readonly se: number | null;
  readonly hr: number | null;
  readonly z: number | null;
  readonly boundaryZ: number | null;
  readonly repeatedLower: number | null;
  readonly repeatedUpper: number | null;
  readonly conditionalPower: { readonly trend: number | null; readonly design: number | null };
  readonly looks: readonly MonitoringLookJson[];
}

/** Every primary estimand of the plan in force (then any estimand that has looks but left the plan), in plan order. */
export type MonitoringJson = EstimandMonitoringJson[];

const lookJson = (l: EstimandLook): MonitoringLookJson => ({
  cutoff: l.cutoff, events: l.events, informationFraction: l.informationFraction, alphaSpent: l.alphaSpent, boundaryZ: l.boundaryZ, z: l.z, state: l.state,
});

/** The monitoring JSON from the plan in force and the stored looks up to the as-of date (pure). */
export function monitoringJson(plan: AnalysisPlan, looks: readonly EstimandLook[]): MonitoringJson {
  const keys = plan.primary.map((p) => ({ population: p.population, endpoint: p.endpoint, alpha: p.alpha }));
  for (const l of looks) {
    if (!keys.some((k) => k.population === l.population && k.endpoint === l.endpoint)) keys.push({ population: l.population, endpoint: l.endpoint, alpha: l.alpha });
  }
  return keys.map(({ population, endpoint, alpha }) => {
    const own = looks.filter((l) => l.population === population && l.endpoint === endpoint);
    const last = own.at(-1);
    if (!last) {
      return {
        population, endpoint, state: 'accruing', side: null, maxEvents: null, events: null, informationFraction: null, alpha, alphaSpent: 0,
        coef: null, se: null, hr: null, z: null, boundaryZ: null, repeatedLower: null, repeatedUpper: null,
        conditionalPower: { trend: null, design: null }, looks: [],
      };
    }
    return {
      population, endpoint, state: last.state, side: last.side, maxEvents: last.maxEvents, events: last.events,
      informationFraction: last.informationFraction, alpha: last.alpha, alphaSpent: last.alphaSpent,
      coef: last.coef, se: last.se, hr: last.hr, z: last.z, boundaryZ: last.boundaryZ,
      repeatedLower: last.repeatedLower, repeatedUpper: last.repeatedUpper, conditionalPower: last.conditionalPower,
      looks: own.map(lookJson),
    };
  });
}
