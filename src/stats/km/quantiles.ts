import { argsortFloat64 } from '../cox/argsort.ts';

/**
 * Survival-curve quantiles by R's rules (survival 3.5-3). A quantile p is where the distribution
 * 1 − S first reaches p; when S sits on p within tolerance √ε over a flat stretch, the midpoint between
 * that time and the next drop (or the last time, for a flat at the end of the curve). Confidence limits
 * apply the same rule to the bands: `lower` from the lower band, `upper` from the upper band.
 */
export const QUANTILE_TOLERANCE = Math.sqrt(2.220446049250313e-16);

/**
 * R's `findq` (quantile.survfit): x = (0, times), y = (0, 1 − curve); NaN entries of the curve are NA and
 * are skipped. Returns NaN where R returns NA.
 */
export function curveQuantiles(times: Float64Array, curve: Float64Array, probs: readonly number[], firstTime = 0): number[] {
  const n0 = times.length + 1;
  const xs: number[] = [firstTime];
  const ys: number[] = [0];
  for (let j = 0; j < times.length; j++) {
    xs.push(times[j]);
    ys.push(1 - curve[j]);
  }
  const xmax = xs[n0 - 1];
  // A loop, not Math.max(...ys): spreading a data-sized array overflows the call stack.
  let ymax = Number.NaN;
  for (const y of ys) if (!Number.isNaN(y) && !(y <= ymax)) ymax = y;
  let pmin = Number.POSITIVE_INFINITY;
  for (const p of probs) pmin = Math.min(pmin, p);
  if (!(ymax >= pmin)) return probs.map(() => Number.NaN);

  // duplicated(y): a flat stretch (censorings) keeps its first time; NA counts as one value.
  const x: number[] = [];
  const y: number[] = [];
  const seen = new Set<number>();
  let seenNa = false;
  for (let j = 0; j < n0; j++) {
    const v = ys[j];
    if (Number.isNaN(v)) {
      if (seenNa) continue;
      seenNa = true;
    } else {
      if (seen.has(v)) continue;
      seen.add(v);
    }
    x.push(xs[j]);
    y.push(v);
  }
  const n = y.length;
  const lastY = y[n - 1];
  // approx(y ± tol, 1:n, p, "constant", f = 1) drops NA pairs and interpolates over sorted knots.
  // Knots as typed arrays sorted by a stable radix argsort (the same order as a stable comparator sort,
  // without an object per curve step).
  const knotIndex: number[] = [];
  for (let j = 0; j < n; j++) if (!Number.isNaN(y[j])) knotIndex.push(j);
  const knotY = Float64Array.from(knotIndex, (j) => y[j]);
  const byY = argsortFloat64(knotY);
  const stepIndex = (shift: number, p: number): number => {
    if (byY.length === 0) return -1;
    const first = knotY[byY[0]] + shift;
    const last = knotY[byY[byY.length - 1]] + shift;
    if (p < first || p > last) return -1;
    for (const k of byY) if (knotY[k] + shift >= p) return knotIndex[k];
    return -1;
  };
  return probs.map((p) => {
    if (p === 0) return x[0];
    const i1 = stepIndex(QUANTILE_TOLERANCE, p);
    const i2 = stepIndex(-QUANTILE_TOLERANCE, p);
    let q = i1 >= 0 && i2 >= 0 ? (x[i1] + x[i2]) / 2 : Number.NaN;
    if (!Number.isNaN(lastY) && Math.abs(p - lastY) < QUANTILE_TOLERANCE) {
      q = i1 >= 0 ? (x[i1] + xmax) / 2 : Number.NaN;
    }
    return q;
  });
}

/**
 * R's median rule of `survmean` (print/summary of survfit): the first time the curve is ≤ 0.5 (within
 * √ε); if it equals 0.5 there and drops later, the midpoint with the time of that later drop. NaN = NA.
 */
export function curveMedian(times: Float64Array, curve: Float64Array): number {
  const x: number[] = [];
  const y: number[] = [];
  for (let j = 0; j < times.length; j++) {
    if (!Number.isNaN(curve[j]) && curve[j] < 0.5 + QUANTILE_TOLERANCE) {
      x.push(times[j]);
      y.push(curve[j]);
    }
  }
  if (x.length === 0) return Number.NaN;
  if (Math.abs(y[0] - 0.5) < QUANTILE_TOLERANCE) {
    const next = y.findIndex((v) => v < y[0]);
    if (next >= 0) return (x[0] + x[next]) / 2;
  }
  return x[0];
}
