import { balanceTable } from '../../stats/propensity/index.ts';
import type { BalanceCovariate } from '../../stats/propensity/index.ts';
import type { AnalysisRow } from '../../timeline/index.ts';
import type { BaselineRow, BaselineTable, CovariateLevels, Population } from '../../reports/index.ts';

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
 * Table 1 by PORT arm: counts per level and missing, and the standardised difference (Austin & Stuart
 * 2015) among the non-missing; a multi-level factor shows its largest |level SMD|.
 */
export function baselineTable(population: Population, rows: readonly AnalysisRow[]): BaselineTable {
  const port = rows.filter((r) => r.port);
  const ptr = rows.filter((r) => !r.port);
  const out: BaselineRow[] = [];
  const ages = { port: port.flatMap((r) => (r.ageAtPtr === null ? [] : [r.ageAtPtr])), ptr: ptr.flatMap((r) => (r.ageAtPtr === null ? [] : [r.ageAtPtr])) };
  const withAge = rows.filter((r) => r.ageAtPtr !== null);
  const ageSmd = withAge.length > 1 ? balanceTable(Float64Array.from(withAge, (r) => (r.port ? 1 : 0)), [{ name: 'age', kind: 'numeric', values: withAge.map((r) => r.ageAtPtr ?? 0) }], new Float64Array(withAge.length).fill(1)).rows[0]?.before.smd ?? null : null;
  out.push({
    kind: 'continuous', covariate: 'ageAtPtr', summary: { port: quartiles(ages.port), ptr: quartiles(ages.ptr) },
    missing: { port: port.length - ages.port.length, ptr: ptr.length - ages.ptr.length }, smd: finiteOrNull(ageSmd), smdWeighted: null,
  });
  for (const spec of SPECS) {
    const level = spec.level as (r: AnalysisRow) => string | null;
    const known = rows.filter((r) => level(r) !== null);
    const factor: BalanceCovariate = { name: spec.covariate, kind: 'factor', values: known.map((r) => level(r) ?? ''), levels: spec.levels };
    const smdRows = known.length > 1 ? balanceTable(Float64Array.from(known, (r) => (r.port ? 1 : 0)), [factor], new Float64Array(known.length).fill(1)).rows : [];
    const smd = smdRows.length > 0 ? Math.max(...smdRows.map((r) => Math.abs(r.before.smd))) : null;
    out.push({
      kind: 'categorical', covariate: spec.covariate,
      levels: spec.levels.map((l) => ({ level: l, count: { port: port.filter((r) => level(r) === l).length, ptr: ptr.filter((r) => level(r) === l).length } })),
      missing: { port: port.filter((r) => level(r) === null).length, ptr: ptr.filter((r) => level(r) === null).length },
      smd: finiteOrNull(smd), smdWeighted: null,
    });
  }
  return { population, n: { port: port.length, ptr: ptr.length }, rows: out };
}

const finiteOrNull = (x: number | null) => (x === null || !Number.isFinite(x) ? null : x);
