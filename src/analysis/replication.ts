import { selectCoxModel, type CandidateTerm } from '../stats/modelSelection/index.ts';
import { COVARIATES } from './covariates.ts';
import type { AnalysisPlan, Endpoint, Population } from './plan.ts';
import type { PlanRow } from './planRow.ts';
import type { EstimateRecord } from './runResult.ts';
import { rethrowResourceErrors } from './resourceErrors.ts';

interface PopulationColumns {
  subset: readonly PlanRow[];
  candidates: CandidateTerm[];
  /** 1 where the row is in the PORT arm, 0 in PTR alone (the arm of each row of `subset`). */
  port: Uint8Array;
}

// The population's rows and covariate columns do not depend on the endpoint: extracted once per run
// (rows array) and population, not once per endpoint (the extraction cost as much as the fits).
const extracted = new WeakMap<readonly PlanRow[], Map<string, PopulationColumns>>();

function populationColumns(plan: AnalysisPlan, population: Population, rows: readonly PlanRow[]): PopulationColumns {
  let byPopulation = extracted.get(rows);
  if (byPopulation === undefined) {
    byPopulation = new Map();
    extracted.set(rows, byPopulation);
  }
  const key = `${population.id}\u0000${plan.replicationCovariates.join(',')}`;
  const cached = byPopulation.get(key);
  if (cached !== undefined) return cached;
  const subset = rows.filter(population.includes);
  const names = plan.replicationCovariates;
  const values = names.map((name) => COVARIATES[name].value);
  const columns = names.map(() => new Float64Array(subset.length));
  const port = new Uint8Array(subset.length);
  // Row by row, every factor at once: reading the row objects (scattered over the heap) is what this
  // costs, and a pass per factor read each row once per factor (bench:reanalysis, docs/analysis.md).
  for (let i = 0; i < subset.length; i++) {
    const row = subset[i];
    for (let k = 0; k < values.length; k++) columns[k][i] = values[k](row) ?? Number.NaN;
    port[i] = row.port ? 1 : 0;
  }
  const candidates = names
    .map((name, k) => ({ term: name, columnNames: [name], columns: [columns[k]] }))
    // A factor constant within the population (e.g. T category in group 1) has nothing to estimate.
    .filter((c) => !isConstant(c.columns[0]));
  const result = { subset, candidates, port };
  byPopulation.set(key, result);
  return result;
}

/** The endpoint's time and event indicator (status 1), read in one pass over the rows. */
function endpointColumns(endpoint: Endpoint, subset: readonly PlanRow[]): { stop: Float64Array; event: Uint8Array } {
  const stop = new Float64Array(subset.length);
  const event = new Uint8Array(subset.length);
  for (let i = 0; i < subset.length; i++) {
    stop[i] = endpoint.time(subset[i]);
    event[i] = endpoint.status(subset[i]) === 1 ? 1 : 0;
  }
  return { stop, event };
}

/** True when the observed (non-NaN) values are all equal, or there are none. */
function isConstant(values: Float64Array): boolean {
  let first = Number.NaN;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (Number.isNaN(first)) first = v;
    else if (v !== first) return false;
  }
  return true;
}

/** Events in all, in the PORT arm and in PTR alone, among the rows a fit used. */
interface ArmEvents {
  readonly events: number;
  readonly eventsPort: number;
  readonly eventsPtr: number;
}

/**
 * Events by arm among the rows where every column of `terms` is observed: the rows selectCoxModel fits
 * on (NaN marks a missing value; a univariate fit uses its term's observed rows, the multivariable fits
 * the complete cases of the entered terms; src/stats/modelSelection/selectModel.ts, observedRows).
 */
function armEvents(event: Uint8Array, port: Uint8Array, terms: readonly CandidateTerm[]): ArmEvents {
  const counted = Uint8Array.from(event);
  for (const term of terms) {
    for (const column of term.columns) for (let i = 0; i < counted.length; i++) if (Number.isNaN(column[i])) counted[i] = 0;
  }
  let eventsPort = 0;
  let eventsPtr = 0;
  for (let i = 0; i < counted.length; i++) {
    if (counted[i] === 0) continue;
    if (port[i] === 1) eventsPort += 1; else eventsPtr += 1;
  }
  return { events: eventsPort + eventsPtr, eventsPort, eventsPtr };
}

/** The fit's own event count must be the rows' count: a mismatch means the rows are not the fitted ones. */
function checkedAgainstFit(counts: ArmEvents, fitted: number, what: string): ArmEvents {
  if (counts.events !== fitted) throw new Error(`replication ${what}: ${counts.events} events counted by arm, the fit used ${fitted}`);
  return counts;
}

/** Where the paper ran its univariate/multivariate procedure: every endpoint overall, OS and PFS by subgroup. */
export function isReplicated(population: Population, endpoint: Endpoint): boolean {
  return population.id === 'all' || endpoint.kind === 'survival';
}

/**
 * Replication of the paper's analysis (labelled as such, never alerting): a univariate Cox per factor,
 * factors with p <= 0.2 enter, backward elimination by Wald tests (SPSS's "Backward: Wald") with stay p <= 0.05.
 * Univariate rows use each factor's available cases; the final model the complete cases of the entered factors.
 */
export function replicationEstimates(plan: AnalysisPlan, population: Population, endpoint: Endpoint, rows: readonly PlanRow[]): EstimateRecord[] {
  const { subset, candidates, port } = populationColumns(plan, population, rows);
  const n = subset.length;
  const { stop, event } = endpointColumns(endpoint, subset);
  if (n === 0 || candidates.length === 0 || event.every((e) => e === 0)) return [];
  const base = { population: population.id, endpoint: endpoint.id, primary: false, informationFraction: null, boundaryZ: null, repeatedLower: null, repeatedUpper: null } as const;
  let selection;
  try {
    selection = selectCoxModel({ stop, event, candidates, criterion: 'wald', enter: plan.replicationScreenP, stay: plan.replicationStayP, ties: 'efron' });
  } catch (error) {
    rethrowResourceErrors(error);
    // E.g. two factors that coincide in this population (aliased columns): recorded, not fatal to the run.
    return [{
      ...base, model: 'multivariate', term: '(selection)', n, ...armEvents(event, port, []),
      coef: null, se: null, hr: null, lower: null, upper: null, z: null, p: null,
      details: { status: 'failed', error: error instanceof Error ? error.message : String(error) },
    }];
  }
  const out: EstimateRecord[] = [];
  selection.univariate.forEach((u, k) => {
    const term = u.coefficients[0] ?? null;
    out.push({
      ...base, model: 'univariate', term: u.term, n: u.n, ...checkedAgainstFit(armEvents(event, port, [candidates[k]]), u.nevent, `univariate ${u.term}`),
      coef: term?.coef ?? null, se: term?.se ?? null, hr: term?.hr ?? null, lower: term?.lower ?? null, upper: term?.upper ?? null,
      z: term?.z ?? null, p: u.p, details: { entered: u.entered, test: selection.criterionDescription },
    });
  });
  const final = selection.finalFit;
  // The complete cases of the entered terms: every multivariable fit's rows, also when backward
  // elimination removed every term (no final fit, but the rows and their events are still these).
  const entered = candidates.filter((c) => selection.entered.includes(c.term));
  const completeCases = armEvents(event, port, entered);
  if (final !== null) checkedAgainstFit(completeCases, final.nevent, 'final model');
  for (const name of selection.entered) {
    const t = final?.terms.find((term) => term.term === name) ?? null;
    out.push({
      ...base, model: 'multivariate', term: name, n: selection.nComplete, ...completeCases,
      coef: t?.coef ?? null, se: t?.se ?? null, hr: t?.hr ?? null, lower: t?.lower ?? null, upper: t?.upper ?? null, z: t?.z ?? null, p: t?.p ?? null,
      details: { status: t ? 'estimated' : 'eliminated', rule: selection.rule },
    });
  }
  return out;
}
