import { COVARIATES } from './covariates.ts';
import type { CovariateName } from './covariates.ts';
import type { Endpoint, Population } from './plan.ts';
import type { PlanRow } from './planRow.ts';

/** The complete-case data of one population x endpoint for a Cox model of PORT plus covariates. */
export interface EstimandData {
  readonly n: number;
  readonly time: Float64Array;
  /** 1 = the endpoint's event (competing events and censoring are 0: cause-specific hazards). */
  readonly event: Uint8Array;
  readonly port: Float64Array;
  /** Covariates that vary in this subset (a constant column has no estimable coefficient). */
  readonly covariates: { name: CovariateName; values: Float64Array }[];
  readonly nPort: number;
  readonly eventsPort: number;
  readonly eventsNoPort: number;
}

/** Rows of the population with a non-missing value for every covariate (complete-case, as the paper). */
export function estimandData(rows: readonly PlanRow[], population: Population, endpoint: Endpoint, covariates: readonly CovariateName[]): EstimandData {
  const defs = covariates.map((c) => COVARIATES[c]);
  const kept: PlanRow[] = [];
  const values: number[][] = defs.map(() => []);
  for (const row of rows) {
    if (!population.includes(row)) continue;
    const cells = defs.map((d) => d.value(row));
    if (cells.some((v) => v === null)) continue;
    kept.push(row);
    cells.forEach((v, k) => values[k].push(v ?? 0));
  }
  const n = kept.length;
  const time = new Float64Array(n);
  const event = new Uint8Array(n);
  const port = new Float64Array(n);
  let nPort = 0;
  let eventsPort = 0;
  let eventsNoPort = 0;
  kept.forEach((row, i) => {
    time[i] = endpoint.time(row);
    event[i] = endpoint.status(row) === 1 ? 1 : 0;
    port[i] = row.port ? 1 : 0;
    if (row.port) { nPort += 1; eventsPort += event[i]; } else eventsNoPort += event[i];
  });
  const varying = defs.flatMap((d, k) => {
    const column = Float64Array.from(values[k]);
    const first = column[0];
    return column.some((v) => v !== first) ? [{ name: d.name, values: column }] : [];
  });
  return { n, time, event, port, covariates: varying, nPort, eventsPort, eventsNoPort };
}
