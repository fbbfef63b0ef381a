import type { ModelTerm } from '../../reports/index.ts';

/**
 * The report's vocabulary for the plan's dichotomised covariates. Where the plan contrasts one level
 * against all others (e.g. disseminated vs single/oligo), the reference shown is the closest level of
 * the report's closed vocabulary; docs/analysis.md lists each contrast exactly.
 */
const TERMS: Readonly<Record<string, ModelTerm>> = {
  port: { covariate: 'port', level: 'port', reference: 'ptr' },
  t3or4: { covariate: 'tCategory', level: 'T3/4', reference: 'T1/2' },
  n2or3: { covariate: 'nCategory', level: 'N2/3', reference: 'N0/1' },
  tnbc: { covariate: 'tnbc', level: 'tnbc', reference: 'nonTnbc' },
  metastasesOver5: { covariate: 'metastasisCount', level: 'gt5', reference: 'le5' },
  disseminated: { covariate: 'metastaticBurden', level: 'disseminated', reference: 'oligo' },
  notBoneOnly: { covariate: 'metastaticSite', level: 'other', reference: 'boneOnly' },
  mastectomy: { covariate: 'ptrType', level: 'mastectomy', reference: 'bcs' },
  alnd: { covariate: 'axillarySurgery', level: 'alnd', reference: 'slnb' },
  postoperativeChemoAlone: { covariate: 'chemotherapy', level: 'postop', reference: 'preop' },
  noChemotherapy: { covariate: 'chemotherapy', level: 'none', reference: 'preop' },
  hormonalTherapy: { covariate: 'hormonalTherapy', level: 'yes', reference: 'no' },
  antiHer2: { covariate: 'antiHer2', level: 'yes', reference: 'no' },
  allMetastasesTreated: { covariate: 'allMetastasesTreated', level: 'yes', reference: 'no' },
};

export function modelTerm(name: string): ModelTerm | null {
  return TERMS[name] ?? null;
}
