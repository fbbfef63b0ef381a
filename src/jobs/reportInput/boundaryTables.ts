import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { plannedLooks } from '../../analysis/monitoring/index.ts';
import { DEFAULT_PLAN } from '../../analysis/plan.ts';
import type { AnalysisPlan } from '../../analysis/plan.ts';
import type { BoundaryTable } from '../../reports/reportInput.ts';
import { planAt } from '../planAmendments.ts';
import { loadEstimandLooks } from '../previousLooks.ts';

/** The report's boundary tables as of a cutoff: stored looks of each primary estimand, then its planned looks. */
export async function boundaryTables(db: Kysely<Database>, cutoff: string, shipped: AnalysisPlan = DEFAULT_PLAN): Promise<BoundaryTable[]> {
  const [plan, looks] = await Promise.all([planAt(db, cutoff, shipped), loadEstimandLooks(db, cutoff)]);
  return plan.primary.flatMap((estimand): BoundaryTable[] => {
    const own = looks.filter((l) => l.population === estimand.population && l.endpoint === estimand.endpoint);
    const last = own.at(-1);
    if (!last) return [];
    return [{
      population: estimand.population, endpoint: estimand.endpoint, alpha: last.alpha, maxEvents: last.maxEvents, state: last.state, side: last.side,
      rows: [
        ...own.map((l) => ({
          look: l.look, cutoff: l.cutoff, events: l.events, informationFraction: l.informationFraction, alphaSpent: l.alphaSpent,
          boundaryZ: l.boundaryZ, boundaryHrLower: l.boundaryHrLower, boundaryHrUpper: l.boundaryHrUpper, z: l.z, hr: l.hr, state: l.state,
        })),
        ...plannedLooks(estimand, own).map((p) => ({
          look: null, cutoff: null, events: p.events, informationFraction: p.informationFraction, alphaSpent: p.alphaSpent,
          boundaryZ: p.boundaryZ, boundaryHrLower: p.boundaryHrLower, boundaryHrUpper: p.boundaryHrUpper, z: null, hr: null, state: null,
        })),
      ],
    }];
  });
}
