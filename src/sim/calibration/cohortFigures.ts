import { survivalCurves, reverseKmFollowUp } from '../../stats/km/index.ts';
import { cumulativeIncidence } from '../../stats/competingRisks/index.ts';
import { CoxFitError, CoxInputError, fitCox } from '../../stats/cox/index.ts';
import { DAYS_PER_MONTH, DAYS_PER_YEAR } from '../days.ts';
import type { PlanRow } from '../../analysis/planRow.ts';

/** The analysis-dataset columns the calibration reads (any timeline AnalysisRow has them). */
export type CalibrationRow = Pick<PlanRow,
  'tCategory' | 'nCategory' | 'metastasisCount' | 'boneOnly' | 'ptrType' | 'tnbc' | 'group' | 'port'
  | 'osDays' | 'osStatus' | 'pfsDays' | 'pfsStatus' | 'lrrDays' | 'lrrStatus' | 'dpDays' | 'dpStatus'>;

type Endpoint = 'os' | 'pfs' | 'lrr' | 'dp';
type Population = 'all' | 'group1' | 'group2';
type Covariate = 'port' | 't3or4' | 'n2or3' | 'metastasesOver5' | 'tnbc' | 'boneOnly' | 'mastectomy';

/** A published PORT hazard ratio and the Cox model that estimates it. */
export interface HrModel {
  readonly key: string;
  readonly population: Population;
  readonly endpoint: Endpoint;
  /** Terms of the model, PORT first. */
  readonly terms: readonly Covariate[];
}

/**
 * Models for the published PORT HRs. Overall: the paper's final multivariate models (its significant
 * factors; "not bone metastasis" enters as bone-only, which only flips the sign of that term). Subgroups:
 * the paper's significant factors for OS/PFS (group 2 OS: metastatic site = bone-only); it names none
 * for LRR/DP within subgroups, so those adjust for the subgroup's PFS factor (> 5 metastases), which
 * also carries the confounding the authors describe (no-PORT patients more disseminated).
 */
export const HR_MODELS: readonly HrModel[] = [
  { key: 'all/pfs', population: 'all', endpoint: 'pfs', terms: ['port', 't3or4', 'metastasesOver5', 'tnbc'] },
  { key: 'all/lrr', population: 'all', endpoint: 'lrr', terms: ['port', 'n2or3', 'boneOnly'] },
  { key: 'all/dp', population: 'all', endpoint: 'dp', terms: ['port', 't3or4', 'metastasesOver5', 'tnbc', 'mastectomy'] },
  { key: 'group1/os', population: 'group1', endpoint: 'os', terms: ['port'] },
  { key: 'group1/pfs', population: 'group1', endpoint: 'pfs', terms: ['port', 'metastasesOver5'] },
  { key: 'group1/lrr', population: 'group1', endpoint: 'lrr', terms: ['port', 'metastasesOver5'] },
  { key: 'group1/dp', population: 'group1', endpoint: 'dp', terms: ['port', 'metastasesOver5'] },
  { key: 'group2/os', population: 'group2', endpoint: 'os', terms: ['port', 'boneOnly'] },
  { key: 'group2/pfs', population: 'group2', endpoint: 'pfs', terms: ['port', 'metastasesOver5'] },
  { key: 'group2/dp', population: 'group2', endpoint: 'dp', terms: ['port', 'metastasesOver5'] },
];

/** The paper's figures, computed from one analysis dataset. */
export interface CohortFigures {
  n: number;
  port: number;
  group1: number;
  group2: number;
  group3: number;
  unclassified: number;
  os3y: number;
  os5y: number;
  pfs5y: number;
  lrr5y: number;
  dp5y: number;
  lrrEvents: number;
  dpEvents: number;
  lrrWithDp: number;
  lrrBeforeDp: number;
  lrrAfterDp: number;
  /** Median observed follow-up (all patients, death or censoring), as the paper's "median 53.7 (range 3.1-194.4)". */
  followUpMonths: number;
  /** Median follow-up by the reverse Kaplan-Meier (censoring as the event), for comparison. */
  followUpReverseKmMonths: number;
  maxFollowUpMonths: number;
  /** PORT HR per HR_MODELS key (NaN when the model cannot be fitted, e.g. no events in an arm). */
  hazardRatios: Record<string, number>;
}

function covariateValue(row: CalibrationRow, covariate: Covariate): number | null {
  switch (covariate) {
    case 'port': return row.port ? 1 : 0;
    case 't3or4': return row.tCategory === null ? null : row.tCategory === 'T3' || row.tCategory === 'T4' ? 1 : 0;
    case 'n2or3': return row.nCategory === null ? null : row.nCategory === 'N2' || row.nCategory === 'N3' ? 1 : 0;
    case 'metastasesOver5': return row.metastasisCount === null ? null : row.metastasisCount > 5 ? 1 : 0;
    case 'tnbc': return row.tnbc === null ? null : row.tnbc ? 1 : 0;
    case 'boneOnly': return row.boneOnly === null ? null : row.boneOnly ? 1 : 0;
    case 'mastectomy': return row.ptrType === null ? null : row.ptrType === 'mastectomy' ? 1 : 0;
  }
}

function endpointOf(row: CalibrationRow, endpoint: Endpoint): { days: number; status: number } {
  switch (endpoint) {
    case 'os': return { days: row.osDays, status: row.osStatus };
    case 'pfs': return { days: row.pfsDays, status: row.pfsStatus };
    case 'lrr': return { days: row.lrrDays, status: row.lrrStatus };
    case 'dp': return { days: row.dpDays, status: row.dpStatus };
  }
}

/** PORT HR of one model: Efron ties, cause-specific for LRR/DP (competing death censored), na.omit. */
export function portHazardRatio(rows: readonly CalibrationRow[], model: HrModel): number {
  const used = rows.filter((row) => model.population === 'all' || row.group === model.population);
  const x: number[][] = model.terms.map(() => []);
  const stop: number[] = [];
  const event: number[] = [];
  for (const row of used) {
    const values = model.terms.map((term) => covariateValue(row, term));
    if (values.some((v) => v === null)) continue;
    values.forEach((v, j) => x[j].push(v ?? 0));
    const { days, status } = endpointOf(row, model.endpoint);
    stop.push(days);
    event.push(status === 1 ? 1 : 0);
  }
  try {
    const fit = fitCox({
      stop: Float64Array.from(stop), event: Uint8Array.from(event), x: x.map((column) => Float64Array.from(column)),
      names: [...model.terms], ties: 'efron',
    });
    return fit.converged && fit.warnings.length === 0 ? fit.terms[0].hr : Number.NaN;
  } catch (error) {
    // A small subgroup can leave an arm without events: that seed has no estimate. Anything else is a bug.
    if (error instanceof CoxFitError || error instanceof CoxInputError) return Number.NaN;
    throw error;
  }
}

export function cohortFigures(rows: readonly CalibrationRow[]): CohortFigures {
  const years = [3 * DAYS_PER_YEAR, 5 * DAYS_PER_YEAR];
  const survival = (endpoint: 'os' | 'pfs'): Float64Array => {
    const data = { time: Float64Array.from(rows, (r) => endpointOf(r, endpoint).days), event: Uint8Array.from(rows, (r) => endpointOf(r, endpoint).status) };
    const [curve] = survivalCurves(data, { times: years });
    if (!curve.at) throw new Error('survivalCurves returned no values at the requested times');
    return curve.at.surv;
  };
  const incidence5y = (endpoint: 'lrr' | 'dp'): number => {
    const data = {
      time: Float64Array.from(rows, (r) => endpointOf(r, endpoint).days),
      status: Int32Array.from(rows, (r) => endpointOf(r, endpoint).status),
      causes: [endpoint, 'death'],
    };
    const [curve] = cumulativeIncidence(data, { times: [5 * DAYS_PER_YEAR] });
    if (!curve.at) throw new Error('cumulativeIncidence returned no values at the requested times');
    return curve.at.pstate[1][0];
  };
  const count = (predicate: (row: CalibrationRow) => boolean): number => rows.filter(predicate).length;
  const os = survival('os');
  const followUp = reverseKmFollowUp({ time: Float64Array.from(rows, (r) => r.osDays), event: Uint8Array.from(rows, (r) => r.osStatus) });
  const hazardRatios: Record<string, number> = {};
  for (const model of HR_MODELS) hazardRatios[model.key] = portHazardRatio(rows, model);
  const both = (row: CalibrationRow): boolean => row.lrrStatus === 1 && row.dpStatus === 1;
  return {
    n: rows.length,
    port: count((r) => r.port),
    group1: count((r) => r.group === 'group1'),
    group2: count((r) => r.group === 'group2'),
    group3: count((r) => r.group === 'group3'),
    unclassified: count((r) => r.group === 'unclassified'),
    os3y: os[0],
    os5y: os[1],
    pfs5y: survival('pfs')[1],
    lrr5y: incidence5y('lrr'),
    dp5y: incidence5y('dp'),
    lrrEvents: count((r) => r.lrrStatus === 1),
    dpEvents: count((r) => r.dpStatus === 1),
    lrrWithDp: count((r) => both(r) && r.lrrDays === r.dpDays),
    lrrBeforeDp: count((r) => both(r) && r.lrrDays < r.dpDays),
    lrrAfterDp: count((r) => both(r) && r.lrrDays > r.dpDays),
    followUpMonths: followUp.simpleMedian / DAYS_PER_MONTH,
    followUpReverseKmMonths: followUp.reverseKm.median / DAYS_PER_MONTH,
    maxFollowUpMonths: rows.reduce((max, r) => Math.max(max, r.osDays), 0) / DAYS_PER_MONTH,
    hazardRatios,
  };
}
