/**
 * Validation and the one-time preparation every Cox computation shares: timefix, the sort by
 * (stratum, stop), R's centring, and the row-major covariate copy the risk-set sweeps read.
 */
import { timefix } from '../timefix.ts';
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
function argsort(n: number, strata: Int32Array | undefined, key: Float64Array, descending: boolean): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const sign = descending ? -1 : 1;
  if (strata === undefined) idx.sort((a, b) => sign * (key[a] - key[b]) || a - b);
  else idx.sort((a, b) => strata[a] - strata[b] || sign * (key[a] - key[b]) || a - b);
  return idx;
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
  const [stopFixed, startFixed] = counting && input.start !== undefined ? timefix([input.stop, input.start]) : timefix([input.stop]);
  const order = argsort(n, input.strata, stopFixed, false);
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
    byStartDesc = argsort(n, sortedStrata, start, true);
  }
  return { n, p, order, stop, start, event, weight, x, strataBounds: Int32Array.from(bounds), byStartDesc, means, nevent, weighted };
}
