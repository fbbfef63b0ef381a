// Types of the generative model: baseline indicators, Weibull-Cox transition hazards, PORT effects.

/** The paper's subgroups (Kim 2022): every simulated patient has a latent one, even when her recorded
 * baseline lacks T or IHC (the 13 "unclassified" of 426 are a recording gap, not a different disease). */
export type Subgroup = 'group1' | 'group2' | 'group3';
export const SUBGROUPS: readonly Subgroup[] = ['group1', 'group2', 'group3'];

/** 0/1 indicators entering the linear predictors (reference level = 0). */
export interface Indicators {
  t34: number;
  n23: number;
  tnbc: number;
  met5: number;
  boneOnly: number;
  mastectomy: number;
  postopChemoAlone: number;
  noChemo: number;
}
export type Covariate = keyof Indicators;
export type Coefficients = Readonly<Partial<Record<Covariate, number>>>;

/** h(t | x) = scale * shape * t^(shape-1) * exp(x'beta), t in years since entering the state. */
export interface WeibullHazard {
  readonly scale: number;
  readonly shape: number;
  readonly coefficients: Coefficients;
}

/**
 * Illness-death transitions (Beyersmann, Latouche, Buchholz & Schumacher, Stat Med 2009;28:956-71):
 * from PTR to the first failure, which is distant progression alone, locoregional recurrence alone,
 * both on the same date, or death without progression; then (clock reset at the failure) DP after an
 * LRR, LRR after a DP, and death after progression.
 */
export interface TransitionHazards {
  readonly dpFirst: WeibullHazard;
  readonly lrrFirst: WeibullHazard;
  readonly lrrWithDp: WeibullHazard;
  readonly deathFirst: WeibullHazard;
  readonly dpAfterLrr: WeibullHazard;
  readonly lrrAfterDp: WeibullHazard;
  readonly deathAfterDp: WeibullHazard;
  readonly deathAfterLrr: WeibullHazard;
}

/**
 * PORT hazard ratios in one subgroup: `distant` multiplies the DP transitions (dpFirst, dpAfterLrr),
 * `locoregional` the LRR ones (lrrFirst, lrrWithDp, lrrAfterDp), `afterProgression` death after
 * progression (deathAfterDp, deathAfterLrr). Death without progression has no PORT effect.
 */
export interface PortEffect {
  readonly distant: number;
  readonly locoregional: number;
  readonly afterProgression: number;
}
