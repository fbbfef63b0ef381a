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
  readonly eventsPtr: number;
}

/** The endpoint-independent part of an estimand's data: the complete cases and their columns. */
interface PopulationDesign {
  readonly kept: readonly PlanRow[];
  readonly port: Float64Array;
  readonly nPort: number;
  readonly covariates: { name: CovariateName; values: Float64Array }[];
}

// A population's complete cases and covariate columns do not depend on the endpoint: built once per
// (rows array, population predicate, covariate list) and shared by the endpoints' estimands (the
// plan asks for the same ones for every endpoint). Weak keys: nothing outlives the run's rows.
const designs = new WeakMap<readonly PlanRow[], WeakMap<Population['includes'], Map<string, PopulationDesign>>>();

function populationDesign(rows: readonly PlanRow[], population: Population, covariates: readonly CovariateName[]): PopulationDesign {
  let byPredicate = designs.get(rows);
  if (byPredicate === undefined) {
    byPredicate = new WeakMap();
    designs.set(rows, byPredicate);
  }
  let byCovariates = byPredicate.get(population.includes);
  if (byCovariates === undefined) {
    byCovariates = new Map();
    byPredicate.set(population.includes, byCovariates);
  }
  const key = covariates.join(',');
  const cached = byCovariates.get(key);
  if (cached !== undefined) return cached;
  const defs = covariates.map((c) => COVARIATES[c]);
  const kept: PlanRow[] = [];
  // Straight into typed columns, no array per row: the complete cases are the first `kept.length`
  // entries (a row dropped for a missing value leaves entries that the next kept row overwrites).
  const values = defs.map(() => new Float64Array(rows.length));
  rows: for (const row of rows) {
    if (!population.includes(row)) continue;
    for (let k = 0; k < defs.length; k++) {
      const v = defs[k].value(row);
      if (v === null) continue rows;
      values[k][kept.length] = v;
    }
    kept.push(row);
  }
  const port = new Float64Array(kept.length);
  let nPort = 0;
  for (let i = 0; i < kept.length; i++) {
    if (!kept[i].port) continue;
    port[i] = 1;
    nPort += 1;
  }
  const columns = defs.map((d, k) => ({ name: d.name, values: values[k].slice(0, kept.length) }));
  const design = { kept, port, nPort, covariates: estimable(port, columns) };
  byCovariates.set(key, design);
  return design;
}

/** Rows of the population with a non-missing value for every covariate (complete-case, as the paper). */
export function estimandData(rows: readonly PlanRow[], population: Population, endpoint: Endpoint, covariates: readonly CovariateName[]): EstimandData {
  const { kept, port, nPort, covariates: columns } = populationDesign(rows, population, covariates);
  const n = kept.length;
  const time = new Float64Array(n);
  const event = new Uint8Array(n);
  let eventsPort = 0;
  let eventsPtr = 0;
  for (let i = 0; i < n; i++) {
    const row = kept[i];
    time[i] = endpoint.time(row);
    event[i] = endpoint.status(row) === 1 ? 1 : 0;
    if (row.port) eventsPort += event[i]; else eventsPtr += event[i];
  }
  // Callers get their own arrays: a model may transform its inputs in place.
  return { n, time, event, port: Float64Array.from(port), covariates: columns.map((c) => ({ name: c.name, values: Float64Array.from(c.values) })), nPort, eventsPort, eventsPtr };
}

/**
 * The covariates with an estimable coefficient next to PORT: a column that is constant, or a linear
 * combination of PORT and the covariates kept before it (possible in a small subgroup), is dropped, as R's
 * coxph reports NA for an aliased column. Gram-Schmidt on the centred columns, in plan order.
 */
function estimable(port: Float64Array, columns: { name: CovariateName; values: Float64Array }[]): { name: CovariateName; values: Float64Array }[] {
  const basis: Float64Array[] = [];
  const residualOf = (values: Float64Array): { residual: Float64Array; before: number } => {
    const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    const residual = Float64Array.from(values, (v) => v - mean);
    const before = Math.sqrt(residual.reduce((a, v) => a + v * v, 0));
    for (const q of basis) {
      let dot = 0;
      for (let i = 0; i < residual.length; i++) dot += residual[i] * q[i];
      for (let i = 0; i < residual.length; i++) residual[i] -= dot * q[i];
    }
    return { residual, before };
  };
  const admit = (values: Float64Array): boolean => {
    const { residual, before } = residualOf(values);
    const norm = Math.sqrt(residual.reduce((a, v) => a + v * v, 0));
    if (!(before > 0) || norm <= 1e-8 * before) return false;
    basis.push(residual.map((v) => v / norm));
    return true;
  };
  admit(port);
  return columns.filter((column) => admit(column.values));
}
