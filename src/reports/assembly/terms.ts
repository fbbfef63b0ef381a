import type { ModelTerm } from '../reportInput.ts';

/**
 * The report's vocabulary for the plan's dichotomised covariates (src/analysis/covariates.ts): each
 * term names exactly what the plan contrasts, pooled references included (ALND vs SLNB or none).
 */
const TERMS: Readonly<Record<string, ModelTerm>> = {
  port: { covariate: 'port', level: 'port', reference: ['ptr'] },
  t3or4: { covariate: 'tCategory', level: 'T3/4', reference: ['T1/2'] },
  n2or3: { covariate: 'nCategory', level: 'N2/3', reference: ['N0/1'] },
  tnbc: { covariate: 'tnbc', level: 'tnbc', reference: ['nonTnbc'] },
  metastasesOver5: { covariate: 'metastasisCount', level: 'gt5', reference: ['le5'] },
  disseminated: { covariate: 'metastaticBurden', level: 'disseminated', reference: ['single', 'oligo'] },
  notBoneOnly: { covariate: 'metastaticSite', level: 'other', reference: ['boneOnly'] },
  mastectomy: { covariate: 'ptrType', level: 'mastectomy', reference: ['bcs'] },
  alnd: { covariate: 'axillarySurgery', level: 'alnd', reference: ['slnb', 'none'] },
  postoperativeChemoAlone: { covariate: 'chemotherapy', level: 'postop', reference: ['preop', 'both', 'none'] },
  noChemotherapy: { covariate: 'chemotherapy', level: 'none', reference: ['preop', 'postop', 'both'] },
  hormonalTherapy: { covariate: 'hormonalTherapy', level: 'yes', reference: ['no'] },
  antiHer2: { covariate: 'antiHer2', level: 'yes', reference: ['no'] },
  allMetastasesTreated: { covariate: 'allMetastasesTreated', level: 'yes', reference: ['no'] },
};

export function modelTerm(name: string): ModelTerm | null {
  return TERMS[name] ?? null;
}
