/** Kish's effective sample size (Σw)² / Σw² of a weighted sample (Kish 1965). */
export function effectiveSampleSize(weights: ArrayLike<number>, include?: (i: number) => boolean): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < weights.length; i++) {
    if (include && !include(i)) continue;
    s += weights[i];
    s2 += weights[i] * weights[i];
  }
  return s2 > 0 ? (s * s) / s2 : 0;
}
