// Events by arm counted straight from the analysis rows, for checking the paper-replication rows
// (test/analysis/replicationArmEvents.test.ts in process, test/jobs/reanalysis.test.ts as stored).
import { COVARIATES } from '../../src/analysis/covariates.ts';
import type { CovariateName } from '../../src/analysis/covariates.ts';
import type { Endpoint, Population } from '../../src/analysis/plan.ts';
import type { PlanRow } from '../../src/analysis/planRow.ts';

/** The fields of a replication estimate (in process or as stored) that say which rows its fit used. */
export interface ReplicationRow {
  readonly model: string;
  readonly term: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Events by arm among the population's rows with every named factor known. */
export function directArmEvents(rows: readonly PlanRow[], population: Population, endpoint: Endpoint, factors: readonly string[]) {
  let eventsPort = 0;
  let eventsPtr = 0;
  for (const r of rows) {
    if (!population.includes(r) || endpoint.status(r) !== 1) continue;
    if (factors.some((f) => COVARIATES[f as CovariateName].value(r) === null)) continue;
    if (r.port) eventsPort += 1; else eventsPtr += 1;
  }
  return { events: eventsPort + eventsPtr, eventsPort, eventsPtr };
}

/** What each replication row of one estimand should carry, from the rows alone. */
export function expectedArmEvents(rows: readonly PlanRow[], population: Population, endpoint: Endpoint, estimates: readonly ReplicationRow[]) {
  const entered = estimates.filter((e) => e.model === 'univariate' && e.details.entered === true).map((e) => e.term);
  return estimates.map((e) => ({
    term: `${e.model}:${e.term}`,
    ...directArmEvents(rows, population, endpoint, e.model === 'univariate' ? [e.term] : e.term === '(selection)' ? [] : entered),
  }));
}
