import type { EstimateRecord } from '../../analysis/runResult.ts';
import { publishedPortHr } from '../../analysis/published.ts';
import type { ForestRow } from '../reportInput.ts';

/**
 * An estimate as read back (or fresh): events per arm are null where nothing computed them, the
 * paper-replication rows of runs before their counts were computed (migration 2026_12_01_010 turned
 * their stored 0s to null).
 */
export type EstimateAsStored = Omit<EstimateRecord, 'eventsPort' | 'eventsPtr'> & { readonly eventsPort: number | null; readonly eventsPtr: number | null };

/** Patients per arm are stored with every monitoring estimate; a missing one is a bug, not a zero. */
function storedCount(e: EstimateAsStored, key: 'nPort' | 'nPtr'): number {
  const value = e.details[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new Error(`estimate ${e.population}/${e.endpoint}: details.${key} is not a count`);
  return value;
}

/** Events per arm, likewise stored with every monitoring estimate: a missing one is a bug, not a zero. */
function storedEvents(e: EstimateAsStored): { ptr: number; port: number } {
  if (e.eventsPtr === null || e.eventsPort === null) throw new Error(`estimate ${e.population}/${e.endpoint}: events per arm were not stored`);
  return { ptr: e.eventsPtr, port: e.eventsPort };
}

/** The forest plot's rows (monitoring-model PORT HRs) of a look, for the mail and the report. */
export function forestRows(estimates: readonly EstimateAsStored[], previousNaiveExcluded: ReadonlyMap<string, boolean> = new Map()): ForestRow[] {
  const rows: ForestRow[] = [];
  for (const e of estimates) {
    if (e.model !== 'monitoring' || e.term !== 'port' || e.hr === null || e.lower === null || e.upper === null) continue;
    if (!Number.isFinite(e.hr) || !Number.isFinite(e.lower) || !Number.isFinite(e.upper)) continue;
    const nPort = storedCount(e, 'nPort');
    const nPtr = storedCount(e, 'nPtr');
    const naiveExcludes = e.lower > 1 || e.upper < 1;
    const published = publishedPortHr(e.population, e.endpoint);
    rows.push({
      population: e.population, endpoint: e.endpoint, primary: e.primary,
      n: { ptr: nPtr, port: nPort }, events: storedEvents(e),
      hr: e.hr, naive: { lower: e.lower, upper: e.upper },
      repeated: e.repeatedLower !== null && e.repeatedUpper !== null && Number.isFinite(e.repeatedUpper) ? { lower: e.repeatedLower, upper: e.repeatedUpper } : null,
      published, informationFraction: e.informationFraction,
      naiveNewlyExcludesOne: naiveExcludes && !(previousNaiveExcluded.get(`${e.population}/${e.endpoint}`) ?? false),
    });
  }
  return rows;
}
