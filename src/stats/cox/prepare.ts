/**
 * Validation and the one-time preparation every Cox computation shares: timefix, the sort by
 * (stratum, stop), R's centring, and the row-major covariate copy the risk-set sweeps read.
 */
import { TIMEFIX_TOLERANCE } from '../timefix.ts';
import { argsortFloat64, stableByCode } from './argsort.ts';
import type { CoxInput } from './types.ts';

export class CoxInputError extends Error {
  override name = 'CoxInputError';
}

export interface PreparedCox {
  n: number;
  p: number;
  /** order[k] = input row at sorted position k; sorted by stratum, then stop ascending. */
  order: Int32Array;
  stop: Float64Array;
  start: Float64Array | null;
  event: Uint8Array;
  weight: Float64Array;
  /** Centred covariates, row-major in sorted order (n × p). */
  x: Float64Array;
  /** Sorted positions where each stratum begins, plus n at the end. */
  strataBounds: Int32Array;
  /** Counting process: sorted positions ordered by stratum, then start descending (rows leave the risk set). */
  byStartDesc: Int32Array | null;
  means: Float64Array;
  /** Dense cluster code (0..nClusters-1) per sorted row, or null without cluster. */
  cluster: Int32Array | null;
  nClusters: number;
  nevent: number;
  /** Whether any weight differs from 1. */
  weighted: boolean;
}

function checkLengths(input: CoxInput): number {
  const n = input.stop.length;
  const same = (name: string, len: number | undefined): void => {
    if (len !== undefined && len !== n) throw new CoxInputError(`${name} has length ${len}, expected ${n} (length of stop)`);
  };
  same('event', input.event.length);
  same('start', input.start?.length);
  same('strata', input.strata?.length);
  same('weights', input.weights?.length);
  same('cluster', input.cluster?.length);
  if (input.names.length !== input.x.length) throw new CoxInputError(`names has ${input.names.length} entries for ${input.x.length} design columns`);
  input.x.forEach((col, j) => same(`design column "${input.names[j]}"`, col.length));
  return n;
}

function checkValues(input: CoxInput, n: number): void {
  for (let i = 0; i < n; i++) {
    const stop = input.stop[i];
    if (!Number.isFinite(stop)) throw new CoxInputError(`stop time of row ${i + 1} is not a finite number`);
    if (input.start !== undefined) {
      const start = input.start[i];
      if (!Number.isFinite(start)) throw new CoxInputError(`start time of row ${i + 1} is not a finite number`);
      if (!(start < stop)) throw new CoxInputError(`row ${i + 1} has start time ${start} not before stop time ${stop}`);
    }
    if (input.event[i] !== 0 && input.event[i] !== 1) throw new CoxInputError(`event of row ${i + 1} must be 0 or 1`);
    if (input.weights !== undefined && !(input.weights[i] > 0 && Number.isFinite(input.weights[i]))) {
      throw new CoxInputError(`weight of row ${i + 1} must be a positive finite number`);
    }
  }
  input.x.forEach((col, j) => {
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(col[i])) throw new CoxInputError(`design column "${input.names[j]}" has a non-finite value in row ${i + 1}`);
    }
  });
}

/** Stable argsort of rows by (stratum, key ascending or descending). */
function argsort(strata: Int32Array | undefined, key: Float64Array, descending: boolean): Int32Array {
  const order = argsortFloat64(descending ? key.map((v) => -v) : key);
  return strata === undefined ? order : stableByCode(order, strata);
}

/** Codes as 0..k-1 (any Int32 labels are allowed on input); small non-negative codes are kept. */
function denseCodes(codes: Int32Array): Int32Array {
  let min = 0;
  let max = 0;
  for (const c of codes) {
    if (c < min) min = c;
    if (c > max) max = c;
  }
  if (min >= 0 && max <= 4 * codes.length) return codes;
  const index = new Map<number, number>();
  return codes.map((c) => {
    let d = index.get(c);
    if (d === undefined) {
      d = index.size;
      index.set(c, d);
    }
    return d;
  });
}

/**
 * R's timefix only changes anything when two distinct times are within the tolerance; checking that on
 * one sorted copy is much cheaper than building the merge map, so the map is built only when needed.
 */
function applyTimefix(columns: Float64Array[]): Float64Array[] {
  let total = 0;
  for (const c of columns) total += c.length;
  const all = new Float64Array(total);
  let off = 0;
  for (const c of columns) {
    all.set(c, off);
    off += c.length;
  }
  all.sort();
  let distinct = 0;
  let sumAbs = 0;
  let minGap = Infinity;
  for (let i = 0; i < total; i++) {
    if (i > 0 && all[i] === all[i - 1]) continue;
    if (distinct > 0) minGap = Math.min(minGap, all[i] - all[i - 1]);
    distinct++;
    sumAbs += Math.abs(all[i]);
  }
  const meanAbs = sumAbs / distinct;
  if (minGap > TIMEFIX_TOLERANCE && minGap / meanAbs > TIMEFIX_TOLERANCE) return columns;
  // Same rule as timefix.ts (chains merge into the first time of the run), on typed arrays.
  const values = new Float64Array(distinct);
  const representative = new Float64Array(distinct);
  let m = 0;
  for (let i = 0; i < total; i++) {
    if (i > 0 && all[i] === all[i - 1]) continue;
    values[m] = all[i];
    const gap = m === 0 ? Infinity : all[i] - values[m - 1];
    representative[m] = gap <= TIMEFIX_TOLERANCE || gap / meanAbs <= TIMEFIX_TOLERANCE ? representative[m - 1] : all[i];
    m++;
  }
  const lookup = (t: number): number => {
    let lo = 0;
    let hi = distinct - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (values[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return representative[lo];
  };
  return columns.map((c) => c.map(lookup));
}

/**
 * Centring as R's coxph: weighted means (coxfit6) for right-censored data, unweighted colMeans for
 * counting-process data (agreg.fit); a column with all values in {-1, 0, 1} is not centred and reports 0.
 */
function centring(input: CoxInput, n: number, counting: boolean): Float64Array {
  const means = new Float64Array(input.x.length);
  let totalWeight = 0;
  for (let i = 0; i < n; i++) totalWeight += counting || input.weights === undefined ? 1 : input.weights[i];
  input.x.forEach((col, j) => {
    let zeroOne = true;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const v = col[i];
      if (v !== 0 && v !== 1 && v !== -1) zeroOne = false;
      sum += counting || input.weights === undefined ? v : v * input.weights[i];
    }
    means[j] = zeroOne ? 0 : sum / totalWeight;
  });
  return means;
}

export function prepareCox(input: CoxInput): PreparedCox {
  const n = checkLengths(input);
  if (n === 0) throw new CoxInputError('no rows to fit');
  checkValues(input, n);
  const p = input.x.length;
  const counting = input.start !== undefined;
  // R applies aeqSurv to start and stop together (Surv(time1, time2) is one object).
  const [stopFixed, startFixed] = counting && input.start !== undefined ? applyTimefix([input.stop, input.start]) : applyTimefix([input.stop]);
  const strataCodes = input.strata === undefined ? undefined : denseCodes(input.strata);
  const order = argsort(strataCodes, stopFixed, false);
  const means = centring(input, n, counting);

  const stop = new Float64Array(n);
  const start = counting ? new Float64Array(n) : null;
  const event = new Uint8Array(n);
  const weight = new Float64Array(n);
  const x = new Float64Array(n * p);
  const bounds: number[] = [0];
  let nevent = 0;
  let weighted = false;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    stop[k] = stopFixed[i];
    if (start !== null && startFixed !== undefined) start[k] = startFixed[i];
    event[k] = input.event[i];
    nevent += event[k];
    const w = input.weights === undefined ? 1 : input.weights[i];
    weight[k] = w;
    if (w !== 1) weighted = true;
    for (let j = 0; j < p; j++) x[k * p + j] = input.x[j][i] - means[j];
    if (k > 0 && input.strata !== undefined && input.strata[i] !== input.strata[order[k - 1]]) bounds.push(k);
  }
  bounds.push(n);

  let byStartDesc: Int32Array | null = null;
  if (start !== null) {
    const sortedStrata = new Int32Array(n);
    for (let s = 0; s + 1 < bounds.length; s++) sortedStrata.fill(s, bounds[s], bounds[s + 1]);
    byStartDesc = argsort(sortedStrata, start, true);
  }
  let cluster: Int32Array | null = null;
  let nClusters = 0;
  if (input.cluster !== undefined) {
    const dense = denseCodes(input.cluster);
    cluster = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      cluster[k] = dense[order[k]];
      if (cluster[k] >= nClusters) nClusters = cluster[k] + 1;
    }
  }
  return { n, p, order, stop, start, event, weight, x, strataBounds: Int32Array.from(bounds), byStartDesc, means, cluster, nClusters, nevent, weighted };
}
