// Endpoint times and statuses, exactly the contract's table:
// | endpoint | status 1 (event)                      | status 2 (competing)  | status 0 (censored at last known) |
// | OS       | first death                           | -                     | otherwise |
// | PFS      | first of lrr, dp, progression, death  | -                     | otherwise |
// | LRR      | first lrr                             | death before any lrr  | otherwise |
// | DP       | first dp                              | death before any dp   | otherwise |
// An lrr (dp) on the day of death is not "after" the death, so it is applied and LRR (DP) is status 1.
import { daysBetween } from '../contract/index.ts';
import type { ClinicalEvent } from './clinicalCourse.ts';
import type { Endpoint, EndpointStatus } from './types.ts';

export interface Endpoints {
  readonly lastKnownDate: string;
  readonly os: Endpoint<0 | 1>;
  readonly pfs: Endpoint<0 | 1>;
  readonly lrr: Endpoint;
  readonly dp: Endpoint;
}

/** `applied`: the clinical events applied to the timeline, ordered by occurredOn. */
export function computeEndpoints(ptrDate: string, applied: readonly ClinicalEvent[], deathDate: string | null): Endpoints {
  const at = <S extends EndpointStatus>(date: string, status: S): Endpoint<S> => ({ days: daysBetween(ptrDate, date), status, date });
  const firstOf = (...types: ClinicalEvent['type'][]) => applied.find((event) => types.includes(event.type))?.occurredOn ?? null;

  // "last known = the latest occurredOn among the patient's counted events (the registration
  // included); with a death, the death date." Nothing after a recorded death is applied.
  const lastKnownDate = deathDate ?? applied.reduce((latest, event) => (event.occurredOn > latest ? event.occurredOn : latest), ptrDate);
  const censored = at(lastKnownDate, 0);

  const withCompetingDeath = (first: string | null): Endpoint => {
    if (first !== null) return at(first, 1);
    return deathDate !== null ? at(deathDate, 2) : censored;
  };
  const progression = firstOf('lrr', 'dp', 'progression', 'death');
  return {
    lastKnownDate,
    os: deathDate !== null ? at(deathDate, 1) : censored,
    pfs: progression !== null ? at(progression, 1) : censored,
    lrr: withCompetingDeath(firstOf('lrr')),
    dp: withCompetingDeath(firstOf('dp')),
  };
}
