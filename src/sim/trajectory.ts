import type { Rng } from './prng.ts';
import { weibullCoxTime } from './variates.ts';
import type { Coefficients, Indicators, PortEffect, TransitionHazards, WeibullHazard } from './model.ts';
import { DAYS_PER_YEAR } from './days.ts';

/** The paper excluded progression within 2 months after PTR: first failures are drawn conditional on
 * surviving failure-free past this time (left truncation of every transition from PTR). */
export const FIRST_FAILURE_AFTER_YEARS = 61 / DAYS_PER_YEAR;

/** Latent clinical history in years since PTR (no censoring; death always happens eventually). */
export interface Trajectory {
  lrr: number | null;
  dp: number | null;
  death: number;
  /** Which transition left the failure-free state. */
  firstFailure: 'dp' | 'lrr' | 'lrrWithDp' | 'death';
}

function linearPredictor(coefficients: Coefficients, x: Indicators): number {
  let lp = 0;
  for (const key of Object.keys(coefficients) as (keyof Indicators)[]) lp += (coefficients[key] ?? 0) * x[key];
  return lp;
}

function draw(rng: Rng, hazard: WeibullHazard, x: Indicators, portHr: number, after = 0): number {
  return weibullCoxTime(rng, hazard.scale, hazard.shape, linearPredictor(hazard.coefficients, x) + Math.log(portHr), after);
}

/**
 * One illness-death history. Competing transitions out of a state are independent latent Weibull-Cox
 * times, which is exactly the cause-specific hazards model (Beyersmann et al. 2009, sec. 3); times after
 * a failure restart the clock (semi-Markov). The random draws are always made in the same order so a
 * patient's history depends only on her own stream.
 */
export function drawTrajectory(rng: Rng, hazards: TransitionHazards, x: Indicators, port: boolean, effect: PortEffect): Trajectory {
  const hr = port ? effect : { distant: 1, locoregional: 1, afterProgression: 1 };
  const after = FIRST_FAILURE_AFTER_YEARS;
  const dpFirst = draw(rng, hazards.dpFirst, x, hr.distant, after);
  const lrrFirst = draw(rng, hazards.lrrFirst, x, hr.locoregional, after);
  const both = draw(rng, hazards.lrrWithDp, x, hr.locoregional, after);
  const deathFirst = draw(rng, hazards.deathFirst, x, 1, after);
  const dpAfterLrr = draw(rng, hazards.dpAfterLrr, x, hr.distant);
  const lrrAfterDp = draw(rng, hazards.lrrAfterDp, x, hr.locoregional);
  const deathAfterDp = draw(rng, hazards.deathAfterDp, x, hr.afterProgression);
  const deathAfterLrr = draw(rng, hazards.deathAfterLrr, x, hr.afterProgression);

  const first = Math.min(dpFirst, lrrFirst, both, deathFirst);
  if (first === deathFirst) return { lrr: null, dp: null, death: deathFirst, firstFailure: 'death' };
  if (first === both) return { lrr: both, dp: both, death: both + deathAfterDp, firstFailure: 'lrrWithDp' };
  if (first === dpFirst) {
    const lrr = lrrAfterDp < deathAfterDp ? dpFirst + lrrAfterDp : null;
    return { lrr, dp: dpFirst, death: dpFirst + deathAfterDp, firstFailure: 'dp' };
  }
  if (dpAfterLrr < deathAfterLrr) {
    const dp = lrrFirst + dpAfterLrr;
    return { lrr: lrrFirst, dp, death: dp + deathAfterDp, firstFailure: 'lrr' };
  }
  return { lrr: lrrFirst, dp: null, death: lrrFirst + deathAfterLrr, firstFailure: 'lrr' };
}
