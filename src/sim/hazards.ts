import type { TransitionHazards } from './model.ts';

/**
 * Weibull-Cox transition hazards (time in years since entering the state; coefficients are log hazard
 * ratios). Covariate effects follow the paper's significant factors: OS: T3/4, > 5 metastases, TNBC,
 * postoperative-only chemotherapy; PFS/DP: T3/4, > 5 metastases, TNBC (DP also mastectomy); LRR:
 * N2/3 and not-bone-only metastases. Magnitudes and baseline scales/shapes are not published: they were
 * tuned with `npm run calibrate` until the simulated cohort reproduced the published rates, counts and
 * hazard ratios (table in README "Calibration"; method in docs/simulator.md).
 */
export const HAZARDS: TransitionHazards = {
  dpFirst: { scale: 0.04, shape: 1.7, coefficients: { t34: 0.35, met5: 0.5, tnbc: 0.55, mastectomy: 0.25, noChemo: 0.3 } },
  lrrFirst: { scale: 0.027, shape: 1.0, coefficients: { n23: 0.6, boneOnly: -0.7 } },
  lrrWithDp: { scale: 0.028, shape: 1.0, coefficients: { n23: 0.4, boneOnly: -0.5, met5: 0.3, tnbc: 0.4 } },
  deathFirst: { scale: 0.004, shape: 1.0, coefficients: { t34: 0.3, met5: 0.4, tnbc: 0.5 } },
  dpAfterLrr: { scale: 1.0, shape: 1.0, coefficients: { t34: 0.35, met5: 0.5, tnbc: 0.55 } },
  lrrAfterDp: { scale: 0.018, shape: 1.0, coefficients: { n23: 0.5, boneOnly: -0.5 } },
  deathAfterDp: { scale: 0.14, shape: 0.85, coefficients: { t34: 0.3, met5: 0.35, tnbc: 0.8, postopChemoAlone: 0.4 } },
  deathAfterLrr: { scale: 0.03, shape: 1.0, coefficients: { tnbc: 0.5 } },
};
