import { LuDecomposition, Matrix } from 'ml-matrix';
import { COVARIATES } from '../../analysis/covariates.ts';
import { estimandData } from '../../analysis/estimandData.ts';
import { iptwWeights } from '../../analysis/iptwModel.ts';
import { LogisticSingularError } from '../../stats/logistic.ts';
import type { AnalysisPlan } from '../../analysis/plan.ts';
import { balanceTable } from '../../stats/propensity/index.ts';
import type { AnalysisRow } from '../../timeline/index.ts';
import type { BaselineRow, BaselineTable, CovariateLevels, Population } from '../reportInput.ts';

type Level<K extends keyof CovariateLevels> = CovariateLevels[K];

interface CategoricalSpec<K extends keyof CovariateLevels> {
  covariate: K;
  levels: readonly Level<K>[];
  level: (r: AnalysisRow) => Level<K> | null;
}

const yesNo = (v: boolean | null) => (v === null ? null : v ? 'yes' as const : 'no' as const);
const subtype = (r: AnalysisRow): Level<'subtype'> | null => {
  if (r.er === null || r.pr === null || r.her2 === null) return null;
  const hr = r.er || r.pr;
  return hr ? (r.her2 ? 'luminalB' : 'luminalA') : r.her2 ? 'her2' : 'tnbc';
};

const SPECS = [
  { covariate: 'tCategory', levels: ['T1/2', 'T3/4'], level: (r) => (r.tCategory === null ? null : r.tCategory === 'T3' || r.tCategory === 'T4' ? 'T3/4' : 'T1/2') } as CategoricalSpec<'tCategory'>,
  { covariate: 'nCategory', levels: ['N0/1', 'N2/3'], level: (r) => (r.nCategory === null ? null : r.nCategory === 'N2' || r.nCategory === 'N3' ? 'N2/3' : 'N0/1') } as CategoricalSpec<'nCategory'>,
  { covariate: 'subtype', levels: ['luminalA', 'luminalB', 'her2', 'tnbc'], level: subtype } as CategoricalSpec<'subtype'>,
  { covariate: 'metastasisCount', levels: ['le5', 'gt5'], level: (r) => (r.metastasisCount === null ? null : r.metastasisCount > 5 ? 'gt5' : 'le5') } as CategoricalSpec<'metastasisCount'>,
  { covariate: 'metastaticBurden', levels: ['single', 'oligo', 'disseminated'], level: (r) => r.metastaticBurden } as CategoricalSpec<'metastaticBurden'>,
  { covariate: 'metastaticSite', levels: ['boneOnly', 'other'], level: (r) => (r.boneOnly === null ? null : r.boneOnly ? 'boneOnly' : 'other') } as CategoricalSpec<'metastaticSite'>,
  { covariate: 'ptrType', levels: ['bcs', 'mastectomy'], level: (r) => r.ptrType } as CategoricalSpec<'ptrType'>,
  { covariate: 'axillarySurgery', levels: ['alnd', 'slnb', 'none'], level: (r) => r.axillarySurgery } as CategoricalSpec<'axillarySurgery'>,
  { covariate: 'chemotherapy', levels: ['preop', 'postop', 'both', 'none'], level: (r) => r.chemotherapy } as CategoricalSpec<'chemotherapy'>,
  { covariate: 'hormonalTherapy', levels: ['yes', 'no'], level: (r) => yesNo(r.hormonalTherapy) } as CategoricalSpec<'hormonalTherapy'>,
  { covariate: 'antiHer2', levels: ['yes', 'no'], level: (r) => yesNo(r.antiHer2) } as CategoricalSpec<'antiHer2'>,
  { covariate: 'allMetastasesTreated', levels: ['yes', 'no'], level: (r) => yesNo(r.allMetastasesTreated) } as CategoricalSpec<'allMetastasesTreated'>,
] as const;

function quartiles(values: number[]): { median: number; q1: number; q3: number } | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  // R's quantile type 7 (the default).
  const q = (p: number) => { const h = (v.length - 1) * p; const lo = Math.floor(h); return v[lo] + (h - lo) * ((v[Math.min(lo + 1, v.length - 1)]) - v[lo]); };
  return { median: q(0.5), q1: q(0.25), q3: q(0.75) };
}

/**
 * Standardised difference of a categorical covariate, PORT vs PTR alone, with weights: Yang & Dalton
 * (2012, SAS Global Forum 335-2012) d = sqrt((T − C)' S⁻¹ (T − C)), T and C the level proportions
 * without the first level, S = (S_T + S_C)/2 with S[k][k] = p_k(1 − p_k), S[k][l] = −p_k p_l. For two
 * levels it is the usual |SMD| of a proportion. Levels absent from both arms are left out (they add
 * nothing and would make S singular). Null when fewer than two levels are present or S is singular.
 */
export function multiLevelSmd(levels: readonly (number | null)[], port: readonly boolean[], weights: ArrayLike<number>, levelCount: number): number | null {
  const mass = { port: new Float64Array(levelCount), ptr: new Float64Array(levelCount) };
  let totalPort = 0;
  let totalPtr = 0;
  levels.forEach((level, i) => {
    if (level === null) return;
    if (port[i]) { mass.port[level] += weights[i]; totalPort += weights[i]; } else { mass.ptr[level] += weights[i]; totalPtr += weights[i]; }
  });
  if (!(totalPort > 0) || !(totalPtr > 0)) return null;
  const present = Array.from({ length: levelCount }, (_, k) => k).filter((k) => mass.port[k] + mass.ptr[k] > 0);
  if (present.length < 2) return null;
  const kept = present.slice(1);
  const t = kept.map((k) => mass.port[k] / totalPort);
  const c = kept.map((k) => mass.ptr[k] / totalPtr);
  const s = new Matrix(kept.map((_, a) => kept.map((__, b) => (a === b ? (t[a] * (1 - t[a]) + c[a] * (1 - c[a])) / 2 : -(t[a] * t[b] + c[a] * c[b]) / 2))));
  const lu = new LuDecomposition(s);
  if (lu.isSingular()) return null;
  const diff = Matrix.columnVector(kept.map((_, a) => t[a] - c[a]));
  const d2 = diff.transpose().mmul(lu.solve(diff)).get(0, 0);
  return d2 >= 0 && Number.isFinite(d2) ? Math.sqrt(d2) : null;
}

/**
 * The population's stabilised IPT weights, on its complete cases for the monitoring covariates (the
 * same propensity model as the plan's IPTW analysis); null when the plan fits none.
 */
function populationWeights(plan: AnalysisPlan, population: Population, rows: readonly AnalysisRow[]): Map<AnalysisRow, number> | null {
  const spec = plan.populations.find((p) => p.id === population);
  if (spec === undefined) return null;
  const data = estimandData(rows, spec, plan.endpoints[0], spec.monitoringCovariates);
  let w: Float64Array | null;
  try {
    w = iptwWeights(data);
  } catch (error) {
    // A propensity model the data cannot identify (small population, collinear covariates): the
    // weighted SMDs are not computed, as in the plan's IPTW analysis; anything else is a bug.
    if (error instanceof LogisticSingularError) return null;
    throw error;
  }
  if (w === null) return null;
  const complete = rows.filter((r) => spec.includes(r) && spec.monitoringCovariates.every((c) => COVARIATES[c].value(r) !== null));
  return new Map(complete.map((r, i) => [r, w[i]]));
}

/**
 * Table 1 by PORT arm: counts per level and missing, and the standardised difference among the
 * non-missing, before and after IPT weighting (the weighted one over the complete cases the
 * propensity model was fitted on): Austin & Stuart (2015) for age, Yang & Dalton (2012) for factors.
 */
export function baselineTable(population: Population, rows: readonly AnalysisRow[], plan: AnalysisPlan): BaselineTable {
  const port = rows.filter((r) => r.port);
  const ptr = rows.filter((r) => !r.port);
  const weights = populationWeights(plan, population, rows);
  const weighted = weights === null ? [] : rows.filter((r) => weights.has(r));
  const weightOf = (subset: readonly AnalysisRow[]) => Float64Array.from(subset, (r) => weights?.get(r) ?? 0);
  const out: BaselineRow[] = [];
  const ages = { port: port.flatMap((r) => (r.ageAtPtr === null ? [] : [r.ageAtPtr])), ptr: ptr.flatMap((r) => (r.ageAtPtr === null ? [] : [r.ageAtPtr])) };
  const ageSmd = (subset: readonly AnalysisRow[], w: ArrayLike<number>): number | null => {
    const withAge = subset.map((r, i) => ({ r, w: w[i] })).filter((x) => x.r.ageAtPtr !== null);
    if (!withAge.some((x) => x.r.port) || !withAge.some((x) => !x.r.port)) return null;
    const table = balanceTable(Float64Array.from(withAge, (x) => (x.r.port ? 1 : 0)), [{ name: 'age', kind: 'numeric', values: withAge.map((x) => x.r.ageAtPtr ?? 0) }], Float64Array.from(withAge, (x) => x.w));
    return finiteOrNull(table.rows[0]?.after.smd ?? null);
  };
  out.push({
    kind: 'continuous', covariate: 'ageAtPtr', summary: { port: quartiles(ages.port), ptr: quartiles(ages.ptr) },
    missing: { port: port.length - ages.port.length, ptr: ptr.length - ages.ptr.length },
    smd: ageSmd(rows, new Float64Array(rows.length).fill(1)), smdWeighted: weights === null ? null : ageSmd(weighted, weightOf(weighted)),
  });
  for (const spec of SPECS) {
    const level = spec.level as (r: AnalysisRow) => string | null;
    const levels = spec.levels as readonly string[];
    const code = (r: AnalysisRow) => { const l = level(r); return l === null ? null : levels.indexOf(l); };
    out.push({
      kind: 'categorical', covariate: spec.covariate,
      levels: spec.levels.map((l) => ({ level: l, count: { port: port.filter((r) => level(r) === l).length, ptr: ptr.filter((r) => level(r) === l).length } })),
      missing: { port: port.filter((r) => level(r) === null).length, ptr: ptr.filter((r) => level(r) === null).length },
      smd: multiLevelSmd(rows.map(code), rows.map((r) => r.port), new Float64Array(rows.length).fill(1), levels.length),
      smdWeighted: weights === null ? null : multiLevelSmd(weighted.map(code), weighted.map((r) => r.port), weightOf(weighted), levels.length),
    });
  }
  return { population, n: { port: port.length, ptr: ptr.length }, rows: out };
}

const finiteOrNull = (x: number | null) => (x === null || !Number.isFinite(x) ? null : x);
