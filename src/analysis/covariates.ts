import type { PlanRow } from './planRow.ts';

/**
 * A binary (0/1) covariate of the models, derived from the baseline; null when the baseline cannot
 * decide it (the row then drops out of models using it: complete-case analysis, as the paper did).
 */
export interface Covariate {
  readonly name: string;
  readonly label: string;
  readonly value: (row: PlanRow) => 0 | 1 | null;
}

const flag = (v: boolean | null): 0 | 1 | null => (v === null ? null : v ? 1 : 0);

/** Every covariate the plan may use, named as in the published targets (kim2022-targets.json). */
export const COVARIATES = {
  port: { name: 'port', label: 'PORT', value: (r) => (r.port ? 1 : 0) },
  t3or4: {
    name: 't3or4', label: 'T3/4 (vs T1/2)',
    value: (r) => (r.tCategory === null ? null : r.tCategory === 'T3' || r.tCategory === 'T4' ? 1 : 0),
  },
  n2or3: {
    name: 'n2or3', label: 'N2/3 (vs N0/1)',
    value: (r) => (r.nCategory === null ? null : r.nCategory === 'N2' || r.nCategory === 'N3' ? 1 : 0),
  },
  tnbc: { name: 'tnbc', label: 'TNBC', value: (r) => flag(r.tnbc) },
  metastasesOver5: {
    name: 'metastasesOver5', label: '> 5 metastases',
    value: (r) => (r.metastasisCount === null ? null : r.metastasisCount > 5 ? 1 : 0),
  },
  disseminated: {
    name: 'disseminated', label: 'Disseminated burden (vs single/oligo)',
    value: (r) => (r.metastaticBurden === null ? null : r.metastaticBurden === 'disseminated' ? 1 : 0),
  },
  notBoneOnly: { name: 'notBoneOnly', label: 'Metastases beyond bone', value: (r) => (r.boneOnly === null ? null : r.boneOnly ? 0 : 1) },
  mastectomy: {
    name: 'mastectomy', label: 'Mastectomy (vs BCS)',
    value: (r) => (r.ptrType === null ? null : r.ptrType === 'mastectomy' ? 1 : 0),
  },
  alnd: {
    name: 'alnd', label: 'ALND',
    value: (r) => (r.axillarySurgery === null ? null : r.axillarySurgery === 'alnd' ? 1 : 0),
  },
  postoperativeChemoAlone: {
    name: 'postoperativeChemoAlone', label: 'Postoperative chemotherapy alone',
    value: (r) => (r.chemotherapy === null ? null : r.chemotherapy === 'postop' ? 1 : 0),
  },
  noChemotherapy: {
    name: 'noChemotherapy', label: 'No chemotherapy',
    value: (r) => (r.chemotherapy === null ? null : r.chemotherapy === 'none' ? 1 : 0),
  },
  hormonalTherapy: { name: 'hormonalTherapy', label: 'Hormonal therapy', value: (r) => flag(r.hormonalTherapy) },
  antiHer2: { name: 'antiHer2', label: 'Anti-HER2 therapy', value: (r) => flag(r.antiHer2) },
  allMetastasesTreated: { name: 'allMetastasesTreated', label: 'All metastases treated', value: (r) => flag(r.allMetastasesTreated) },
} as const satisfies Record<string, Covariate>;

export type CovariateName = keyof typeof COVARIATES;
