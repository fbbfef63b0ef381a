import type { Rng } from './prng.ts';

/** true with probability p. */
export function bernoulli(rng: Rng, p: number): boolean {
  return rng.uniform() < p;
}

/** Index drawn with probability proportional to weights[i]. */
export function categorical(rng: Rng, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let u = rng.uniform() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/** One key of a record of weights, drawn proportionally. */
export function pick<K extends string>(rng: Rng, weights: Readonly<Record<K, number>>): K {
  const keys = Object.keys(weights) as K[];
  return keys[categorical(rng, keys.map((k) => weights[k]))];
}

/** Integer uniform on [min, max]. */
export function integerBetween(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng.uniform() * (max - min + 1));
}

/** Standard normal (Box-Muller; one of the pair is discarded to keep streams simple). */
export function standardNormal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform());
}

/** Log-normal with the given median and log-scale sd. */
export function logNormal(rng: Rng, median: number, sdLog: number): number {
  return median * Math.exp(sdLog * standardNormal(rng));
}

/**
 * Event time of a Cox model with a Weibull baseline hazard h0(t) = scale * shape * t^(shape-1), by
 * inversion of the cumulative hazard (Bender, Augustin & Blettner, Stat Med 2005;24:1713-23, eq. 13):
 * T = (-log U / (scale * exp(lp)))^(1/shape). With `after` > 0 the time is drawn conditional on
 * T > after (left truncation): H(T) = H(after) - log U, so the hazard after `after` is unchanged.
 */
export function weibullCoxTime(rng: Rng, scale: number, shape: number, linearPredictor: number, after = 0): number {
  const rate = scale * Math.exp(linearPredictor);
  if (rate <= 0) return Infinity;
  const cumulative = Math.pow(after, shape) - Math.log(rng.uniform()) / rate;
  return Math.pow(cumulative, 1 / shape);
}
