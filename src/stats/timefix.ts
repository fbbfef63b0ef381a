/**
 * R's `timefix` (survival::aeqSurv): times that differ only by floating-point noise are one time.
 * Sort the distinct finite times; where the gap to the previous distinct time is ≤ tol absolute or
 * ≤ tol × mean(|distinct times|), the later time is merged into the earlier one (chains merge into the
 * first of the run: the gap is to the previous distinct time, not to the representative).
 * tol = sqrt(.Machine$double.eps) ≈ 1.49e-8. Therneau, survival 3.x, aeqSurv.R.
 *
 * Nothing merges in almost every data set, so both entry points first check the smallest gap on one
 * sorted pass and return their input unchanged (same arrays) when no merge is needed.
 */
export const TIMEFIX_TOLERANCE = Math.sqrt(2.220446049250313e-16);

interface DistinctTimes {
  /** Ascending distinct finite times. */
  values: Float64Array;
  meanAbs: number;
  minGap: number;
}

function distinctOf(sorted: ArrayLike<number>, at: (k: number) => number): DistinctTimes {
  const values = new Float64Array(sorted.length);
  let m = 0;
  let sumAbs = 0;
  let minGap = Infinity;
  for (let k = 0; k < sorted.length; k++) {
    const t = at(k);
    if (!Number.isFinite(t) || (m > 0 && t === values[m - 1])) continue;
    if (m > 0) minGap = Math.min(minGap, t - values[m - 1]);
    values[m++] = t;
    sumAbs += Math.abs(t);
  }
  return { values: values.subarray(0, m), meanAbs: sumAbs / m, minGap };
}

function merges(gap: number, meanAbs: number, tolerance: number): boolean {
  return gap <= tolerance || gap / meanAbs <= tolerance;
}

/** Representative (first of its run) of each distinct time, aligned with `values`. */
function representatives({ values, meanAbs }: DistinctTimes, tolerance: number): Float64Array {
  const rep = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    rep[i] = i > 0 && merges(values[i] - values[i - 1], meanAbs, tolerance) ? rep[i - 1] : values[i];
  }
  return rep;
}

/** Applies timefix to one or more parallel time columns (e.g. start and stop) with one shared rule. */
export function timefix(columns: readonly Float64Array[], tolerance = TIMEFIX_TOLERANCE): Float64Array[] {
  let total = 0;
  for (const column of columns) total += column.length;
  const all = new Float64Array(total);
  let offset = 0;
  for (const column of columns) {
    all.set(column, offset);
    offset += column.length;
  }
  all.sort();
  const distinct = distinctOf(all, (k) => all[k]);
  if (distinct.values.length < 2 || !merges(distinct.minGap, distinct.meanAbs, tolerance)) return [...columns];
  const { values } = distinct;
  const rep = representatives(distinct, tolerance);
  const lookup = (t: number): number => {
    let lo = 0;
    let hi = values.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (values[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return values[lo] === t ? rep[lo] : t; // non-finite times pass through
  };
  return columns.map((column) => column.map(lookup));
}

/**
 * timefix of one column whose ascending order is already known (the Cox fit sorts once for both this
 * and its risk sets); returns the input itself when nothing merges.
 */
export function timefixSorted(times: Float64Array, ascending: Int32Array, tolerance = TIMEFIX_TOLERANCE): Float64Array {
  const distinct = distinctOf(ascending, (k) => times[ascending[k]]);
  if (distinct.values.length < 2 || !merges(distinct.minGap, distinct.meanAbs, tolerance)) return times;
  const rep = representatives(distinct, tolerance);
  const out = Float64Array.from(times);
  let d = -1;
  for (let k = 0; k < ascending.length; k++) {
    const i = ascending[k];
    const t = times[i];
    if (!Number.isFinite(t)) continue;
    if (d < 0 || t !== distinct.values[d]) d++;
    out[i] = rep[d];
  }
  return out;
}
