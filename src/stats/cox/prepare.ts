/**
 * Validation and the one-time preparation every Cox computation shares: timefix, the sort by
 * (stratum, stop), R's centring, and the row-major covariate copy the risk-set sweeps read.
 */
import { timefix, timefixSorted } from '../timefix.ts';
import { argsortFloat64, stableByCode } from './argsort.ts';
import { gatherRows } from './gatherRows.ts';
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
  const { stop, start, event, weights } = input;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(stop[i])) throw new CoxInputError(`stop time of row ${i + 1} is not a finite number`);
    if (event[i] > 1) throw new CoxInputError(`event of row ${i + 1} must be 0 or 1`);
  }
  if (start !== undefined) {
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(start[i])) throw new CoxInputError(`start time of row ${i + 1} is not a finite number`);
      if (!(start[i] < stop[i])) throw new CoxInputError(`row ${i + 1} has start time ${start[i]} not before stop time ${stop[i]}`);
    }
  }
  if (weights !== undefined) {
    for (let i = 0; i < n; i++) {
      if (!(weights[i] > 0 && Number.isFinite(weights[i]))) throw new CoxInputError(`weight of row ${i + 1} must be a positive finite number`);
    }
  }
  // The design columns are checked by centring(), which reads them all anyway.
}

/** The row of a design column's first non-finite value (the error), once its sum showed there may be one. */
function checkColumn(input: CoxInput, j: number, n: number): void {
  const col = input.x[j];
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(col[i])) throw new CoxInputError(`design column "${input.names[j]}" has a non-finite value in row ${i + 1}`);
  }
}

// The time order of a stop column, kept while that column lives: model selection fits the same times
// again and again (every univariate term without missing values, every backward-elimination step on
// the same complete cases), and the sort was ~9% of it at 100,000 patients (docs/analysis.md). A kept
// order is used only after one pass shows it still sorts the column stably, since a caller may have
// changed the values: the stable order is the only one in which (time, row) strictly increases.
const timeOrders = new WeakMap<Float64Array, Int32Array>();

function timeOrder(stop: Float64Array): Int32Array {
  const kept = timeOrders.get(stop);
  if (kept !== undefined && sortsStably(stop, kept)) return kept.slice();
  const order = argsortFloat64(stop);
  timeOrders.set(stop, order.slice());
  return order;
}

/** True when `order` lists every row once, ascending by key with ties in row order (keys not NaN). */
function sortsStably(keys: Float64Array, order: Int32Array): boolean {
  const n = keys.length;
  if (order.length !== n) return false;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    if (i < 0 || i >= n) return false;
    if (k === 0) continue;
    const before = order[k - 1];
    const a = keys[before];
    const b = keys[i];
    // Strictly increasing (key, row) pairs are distinct, so no row appears twice: a permutation.
    if (!(a < b || (a === b && before < i))) return false;
  }
  return true;
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
 * Centring as R's coxph: weighted means (coxfit6) for right-censored data, unweighted colMeans for
 * counting-process data (agreg.fit); a column with all values in {-1, 0, 1} is not centred and reports 0.
 */
function centring(input: CoxInput, n: number, counting: boolean): Float64Array {
  const p = input.x.length;
  const means = new Float64Array(p);
  const w = counting ? undefined : input.weights;
  let totalWeight = 0;
  if (w === undefined) totalWeight = n;
  else for (let i = 0; i < n; i++) totalWeight += w[i];
  for (let j = 0; j < p; j++) {
    const col = input.x[j];
    let zeroOne = true;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const v = col[i];
      if (zeroOne && v !== 0 && v !== 1 && v !== -1) zeroOne = false;
      sum += w === undefined ? v : v * w[i];
    }
    // A NaN or ±Infinity among the values makes the sum non-finite (so may finite values of ~1e308).
    if (!Number.isFinite(sum)) checkColumn(input, j, n);
    means[j] = zeroOne ? 0 : sum / totalWeight;
  }
  return means;
}

export function prepareCox(input: CoxInput): PreparedCox {
  const n = checkLengths(input);
  if (n === 0) throw new CoxInputError('no rows to fit');
  checkValues(input, n);
  const p = input.x.length;
  const counting = input.start !== undefined;
  const strataCodes = input.strata === undefined ? undefined : denseCodes(input.strata);
  let stopFixed: Float64Array;
  let startFixed: Float64Array | undefined;
  let order: Int32Array;
  if (counting && input.start !== undefined) {
    // R applies aeqSurv to start and stop together (Surv(time1, time2) is one object).
    [stopFixed, startFixed] = timefix([input.stop, input.start]);
    order = argsort(strataCodes, stopFixed, false);
  } else {
    // Right-censored: one sort serves both timefix and the risk-set order (merging keeps the order).
    const byTime = timeOrder(input.stop);
    stopFixed = timefixSorted(input.stop, byTime);
    order = strataCodes === undefined ? byTime : stableByCode(byTime, strataCodes);
  }
  const means = centring(input, n, counting);

  const start = counting ? new Float64Array(n) : null;
  const event = new Uint8Array(n);
  // Stop times and weights travel with the covariates through the cache-friendly gather.
  const inWeights = input.weights;
  const gathered = gatherRows(input.x, means, order, inWeights === undefined ? [stopFixed] : [stopFixed, inWeights]);
  const x = gathered.x;
  const stop = gathered.extra[0];
  const weight = inWeights === undefined ? new Float64Array(n).fill(1) : gathered.extra[1];
  const bounds: number[] = [0];
  let nevent = 0;
  const inEvent = input.event;
  for (let k = 0; k < n; k++) {
    const e = inEvent[order[k]];
    event[k] = e;
    nevent += e;
  }
  if (start !== null && startFixed !== undefined) for (let k = 0; k < n; k++) start[k] = startFixed[order[k]];
  if (strataCodes !== undefined) {
    for (let k = 1; k < n; k++) if (strataCodes[order[k]] !== strataCodes[order[k - 1]]) bounds.push(k);
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
  return { n, p, order, stop, start, event, weight, x, strataBounds: Int32Array.from(bounds), byStartDesc, means, cluster, nClusters, nevent };
}
