import type { Rng } from './prng.ts';
import { bernoulli, integerBetween, pick, standardNormal } from './variates.ts';
import type { Indicators, Subgroup } from './model.ts';
import type { Chemotherapy, MetastaticBurden, NCategory, SimBaseline, TCategory } from './simEvent.ts';

/**
 * Baseline covariates. Figures from Kim 2022 where it gives them (subgroup sizes 193/171/49 with 13 of
 * 426 unclassified; PORT 250 of 426; the no-PORT arm more often disseminated); every other figure is an
 * assumption, listed in docs/simulator.md, chosen to be plausible for de novo MBC treated with PTR in
 * Korea 2000-2015.
 */
export const BASELINE = {
  subgroup: { group1: 193, group2: 171, group3: 49 } as Record<Subgroup, number>,
  /** Share whose recorded baseline lacks T or IHC: 13 of 426. Of those, this share lacks T (else IHC). */
  unclassified: 13 / 426,
  unclassifiedMissingT: 0.6,
  tCategory: {
    group1: { T1: 0.3, T2: 0.7, T3: 0, T4: 0 },
    group2: { T1: 0, T2: 0, T3: 0.45, T4: 0.55 },
    group3: { T1: 0.15, T2: 0.5, T3: 0.15, T4: 0.2 },
  } as Record<Subgroup, Record<TCategory, number>>,
  /** N category, by T (larger tumours carry more nodal disease). */
  nCategory: {
    small: { N0: 0.18, N1: 0.42, N2: 0.22, N3: 0.18 },
    large: { N0: 0.08, N1: 0.32, N2: 0.3, N3: 0.3 },
  } as Record<'small' | 'large', Record<NCategory, number>>,
  /** Non-TNBC IHC: luminal A (HR+ HER2-), luminal B (HR+ HER2+), HER2-enriched (HR- HER2+). */
  ihc: { luminalA: 0.55, luminalB: 0.22, her2Enriched: 0.23 },
  /** Among hormone-receptor-positive: ER+PR+, ER+PR-, ER-PR+. */
  hormoneReceptors: { erPr: 0.7, erOnly: 0.22, prOnly: 0.08 },
  burden: { single: 0.3, oligo: 0.33, disseminated: 0.37 } as Record<MetastaticBurden, number>,
  boneOnly: { single: 0.45, oligo: 0.4, disseminated: 0.25 } as Record<MetastaticBurden, number>,
  mastectomy: { small: 0.7, large: 0.92 },
  axillarySurgery: { alnd: 0.82, slnb: 0.13, none: 0.05 },
  chemotherapy: { preop: 0.45, postop: 0.35, both: 0.12, none: 0.08 } as Record<Chemotherapy, number>,
  hormonalTherapyIfReceptorPositive: 0.92,
  hormonalTherapyIfReceptorNegative: 0.03,
  /** Anti-HER2 use among HER2+ rises with calendar time (trastuzumab reimbursement widened in the 2000s). */
  antiHer2IfHer2: { in2000: 0.3, in2015: 0.75 },
  allMetastasesTreated: { single: 0.45, oligo: 0.25, disseminated: 0.03 } as Record<MetastaticBurden, number>,
  age: { mean: 48, sd: 10, min: 22, max: 85 },
  /** Recording gaps in fields no published model uses. */
  missing: { axillarySurgery: 0.01, allMetastasesTreated: 0.02 },
  /**
   * PORT assignment, logistic: confounded as the authors describe (no-PORT has more disseminated
   * disease); BCS and N2/3 make radiotherapy more likely. Intercept set so that ~250 of 426 get PORT.
   */
  port: { intercept: 0.31, disseminated: -1.2, bcs: 1.3, n23: 0.45, allMetastasesTreated: 0.5 },
} as const;

export interface DrawnBaseline {
  subgroup: Subgroup;
  /** The registered baseline (with the recording gaps); portStartedOn is filled in later. */
  recorded: SimBaseline;
  /** The true covariates driving the hazards (no gaps). */
  indicators: Indicators;
}

export function drawBaseline(rng: Rng, ptrYear: number): DrawnBaseline {
  const subgroup = pick(rng, BASELINE.subgroup);
  const tCategory = pick(rng, BASELINE.tCategory[subgroup]);
  const large = tCategory === 'T3' || tCategory === 'T4';
  const nCategory = pick(rng, BASELINE.nCategory[large ? 'large' : 'small']);
  const receptors = drawReceptors(rng, subgroup === 'group3');
  const burden = pick(rng, BASELINE.burden);
  const metastasisCount = drawMetastasisCount(rng, burden);
  const boneOnly = bernoulli(rng, BASELINE.boneOnly[burden]);
  const mastectomy = bernoulli(rng, BASELINE.mastectomy[large ? 'large' : 'small']);
  const axillarySurgery = pick(rng, BASELINE.axillarySurgery);
  const chemotherapy = pick(rng, BASELINE.chemotherapy);
  const receptorPositive = receptors.er || receptors.pr;
  const hormonalTherapy = bernoulli(rng, receptorPositive
    ? BASELINE.hormonalTherapyIfReceptorPositive : BASELINE.hormonalTherapyIfReceptorNegative);
  const { in2000, in2015 } = BASELINE.antiHer2IfHer2;
  const antiHer2Share = in2000 + (in2015 - in2000) * Math.min(1, Math.max(0, (ptrYear - 2000) / 15));
  const antiHer2 = receptors.her2 && bernoulli(rng, antiHer2Share);
  const allMetastasesTreated = bernoulli(rng, BASELINE.allMetastasesTreated[burden]);
  const n23 = nCategory === 'N2' || nCategory === 'N3';
  const p = BASELINE.port;
  const portLogit = p.intercept + (burden === 'disseminated' ? p.disseminated : 0) + (mastectomy ? 0 : p.bcs)
    + (n23 ? p.n23 : 0) + (allMetastasesTreated ? p.allMetastasesTreated : 0);
  const port = bernoulli(rng, 1 / (1 + Math.exp(-portLogit)));
  const a = BASELINE.age;
  const ageAtPtr = Math.min(a.max, Math.max(a.min, Math.round(a.mean + a.sd * standardNormal(rng))));

  const recorded: SimBaseline = {
    ageAtPtr,
    tCategory,
    nCategory,
    er: receptors.er,
    pr: receptors.pr,
    her2: receptors.her2,
    metastasisCount,
    metastaticBurden: burden,
    boneOnly,
    ptrType: mastectomy ? 'mastectomy' : 'bcs',
    axillarySurgery: bernoulli(rng, BASELINE.missing.axillarySurgery) ? null : axillarySurgery,
    chemotherapy,
    hormonalTherapy,
    antiHer2,
    allMetastasesTreated: bernoulli(rng, BASELINE.missing.allMetastasesTreated) ? null : allMetastasesTreated,
    port,
    portStartedOn: null,
  };
  if (bernoulli(rng, BASELINE.unclassified)) {
    if (bernoulli(rng, BASELINE.unclassifiedMissingT)) {
      recorded.tCategory = null;
    } else {
      recorded.er = null;
      recorded.pr = null;
      recorded.her2 = null;
    }
  }
  const indicators: Indicators = {
    t34: large ? 1 : 0,
    n23: n23 ? 1 : 0,
    tnbc: subgroup === 'group3' ? 1 : 0,
    met5: metastasisCount > 5 ? 1 : 0,
    boneOnly: boneOnly ? 1 : 0,
    mastectomy: mastectomy ? 1 : 0,
    postopChemoAlone: chemotherapy === 'postop' ? 1 : 0,
    noChemo: chemotherapy === 'none' ? 1 : 0,
  };
  return { subgroup, recorded, indicators };
}

function drawReceptors(rng: Rng, tnbc: boolean): { er: boolean; pr: boolean; her2: boolean } {
  if (tnbc) return { er: false, pr: false, her2: false };
  const ihc = pick(rng, BASELINE.ihc);
  if (ihc === 'her2Enriched') return { er: false, pr: false, her2: true };
  const hr = pick(rng, BASELINE.hormoneReceptors);
  return { er: hr !== 'prOnly', pr: hr !== 'erOnly', her2: ihc === 'luminalB' };
}

/** Single: one lesion; oligo (Kobayashi: <= 2 organs, <= 5 lesions each) mostly 2-5; disseminated mostly > 5. */
function drawMetastasisCount(rng: Rng, burden: MetastaticBurden): number {
  if (burden === 'single') return 1;
  if (burden === 'oligo') return bernoulli(rng, 0.9) ? integerBetween(rng, 2, 5) : integerBetween(rng, 6, 10);
  return bernoulli(rng, 0.2) ? integerBetween(rng, 3, 5) : integerBetween(rng, 6, 30);
}
