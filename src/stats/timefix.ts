/**
 * R's `timefix` (survival::aeqSurv): times that differ only by floating-point noise are one time.
 * Sort the distinct finite times; where the gap to the previous distinct time is ≤ tol absolute or
 * ≤ tol × mean(|distinct times|), the later time is merged into the earlier one (chains merge into the
 * first of the run). tol = sqrt(.Machine$double.eps) ≈ 1.49e-8. Therneau, survival 3.x, aeqSurv.R.
 *
 * Returns a function mapping each original time to its representative; identity when nothing merges.
 */
export const TIMEFIX_TOLERANCE = Math.sqrt(2.220446049250313e-16);

export function timefixMap(times: ArrayLike<number>, tolerance = TIMEFIX_TOLERANCE): (t: number) => number {
  const distinct = Array.from(new Set(Array.from(times).filter((t) => Number.isFinite(t)))).sort((a, b) => a - b);
  if (distinct.length < 2) return (t) => t;
  let meanAbs = 0;
  for (const t of distinct) meanAbs += Math.abs(t);
  meanAbs /= distinct.length;
  const representative = new Map<number, number>();
  let current = distinct[0];
  representative.set(current, current);
  let merged = false;
  for (let i = 1; i < distinct.length; i++) {
    const gap = distinct[i] - distinct[i - 1];
    if (gap <= tolerance || gap / meanAbs <= tolerance) {
      merged = true;
    } else {
      current = distinct[i];
    }
    representative.set(distinct[i], current);
  }
  if (!merged) return (t) => t;
  return (t) => representative.get(t) ?? t;
}

/** Applies timefix to one or more parallel time columns (e.g. start and stop) with one shared map. */
export function timefix(columns: readonly Float64Array[], tolerance = TIMEFIX_TOLERANCE): Float64Array[] {
  const all: number[] = [];
  for (const column of columns) for (const t of column) all.push(t);
  const map = timefixMap(all, tolerance);
  return columns.map((column) => Float64Array.from(column, map));
}
