import { selectCoxModel, type CandidateTerm } from '../stats/modelSelection/index.ts';
import { COVARIATES } from './covariates.ts';
import type { AnalysisPlan, Endpoint, Population } from './plan.ts';
import type { PlanRow } from './planRow.ts';
import type { EstimateRecord } from './runResult.ts';
import { rethrowResourceErrors } from './resourceErrors.ts';

interface PopulationColumns {
  subset: readonly PlanRow[];
  candidates: CandidateTerm[];
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
  const candidates = plan.replicationCovariates
    .map((name) => ({ term: name, columnNames: [name], columns: [Float64Array.from(subset, (r) => COVARIATES[name].value(r) ?? Number.NaN)] }))
    // A factor constant within the population (e.g. T category in group 1) has nothing to estimate.
    .filter((c) => !isConstant(c.columns[0]));
  const result = { subset, candidates };
  byPopulation.set(key, result);
  return result;
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
  const { subset, candidates } = populationColumns(plan, population, rows);
  const n = subset.length;
  const stop = Float64Array.from(subset, (r) => endpoint.time(r));
  const event = Uint8Array.from(subset, (r) => (endpoint.status(r) === 1 ? 1 : 0));
  if (n === 0 || candidates.length === 0 || event.every((e) => e === 0)) return [];
  const base = { population: population.id, endpoint: endpoint.id, primary: false, informationFraction: null, boundaryZ: null, repeatedLower: null, repeatedUpper: null } as const;
  let selection;
  try {
    selection = selectCoxModel({ stop, event, candidates, criterion: 'wald', enter: plan.replicationScreenP, stay: plan.replicationStayP, ties: 'efron' });
  } catch (error) {
    rethrowResourceErrors(error);
    // E.g. two factors that coincide in this population (aliased columns): recorded, not fatal to the run.
    return [{
      ...base, model: 'multivariate', term: '(selection)', n, events: event.reduce((a, b) => a + b, 0), eventsPort: 0, eventsPtr: 0,
      coef: null, se: null, hr: null, lower: null, upper: null, z: null, p: null,
      details: { status: 'failed', error: error instanceof Error ? error.message : String(error) },
    }];
  }
  const out: EstimateRecord[] = [];
  for (const u of selection.univariate) {
    const term = u.coefficients[0] ?? null;
    out.push({
      ...base, model: 'univariate', term: u.term, n: u.n, events: u.nevent, eventsPort: 0, eventsPtr: 0,
      coef: term?.coef ?? null, se: term?.se ?? null, hr: term?.hr ?? null, lower: term?.lower ?? null, upper: term?.upper ?? null,
      z: term?.z ?? null, p: u.p, details: { entered: u.entered, test: selection.criterionDescription },
    });
  }
  const final = selection.finalFit;
  for (const name of selection.entered) {
    const t = final?.terms.find((term) => term.term === name) ?? null;
    out.push({
      ...base, model: 'multivariate', term: name, n: selection.nComplete, events: final?.nevent ?? 0, eventsPort: 0, eventsPtr: 0,
      coef: t?.coef ?? null, se: t?.se ?? null, hr: t?.hr ?? null, lower: t?.lower ?? null, upper: t?.upper ?? null, z: t?.z ?? null, p: t?.p ?? null,
      details: { status: t ? 'estimated' : 'eliminated', rule: selection.rule },
    });
  }
  return out;
}
