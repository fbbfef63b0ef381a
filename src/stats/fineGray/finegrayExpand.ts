import { timefix } from '../timefix.ts';

/** Right-censored competing-risks rows: status 0 = censored, c ≥ 1 = cause c. */
export interface FinegrayInput {
  time: Float64Array;
  status: Int32Array;
  /** The cause of interest (a status code ≥ 1). */
  cause: number;
  /** Stratum per row: the censoring distribution is estimated within each stratum. */
  strata?: Int32Array;
  /** Case weights, multiplied into the expanded rows' weights. */
  weights?: Float64Array;
  /** Apply R's timefix first (default true, as finegray). */
  timefix?: boolean;
}

/** The counting-process data set of R's `finegray()`: one or more (start, stop] rows per input row. */
export interface FinegrayData {
  /** Input row of each expanded row. */
  row: Int32Array;
  start: Float64Array;
  stop: Float64Array;
  /** 1 = event of the cause of interest. */
  status: Uint8Array;
  /** Censoring weight G(interval start)/G(event time−) times the case weight. */
  weight: Float64Array;
}

/**
 * Fine & Gray (1999) data expansion, as survival 3.5-3's `finegray()` (Geskus 2011): a subject with a
 * competing event stays in the risk set after it, in pieces (c_{j−1}, c_j] between censoring times,
 * weighted by G(c_{j−1})/G(t−), where G is the Kaplan-Meier of the censoring distribution (events
 * before censorings at tied times, unweighted, per stratum). Only pieces containing an event of the
 * cause of interest are kept; the first piece runs from the subject's start to the first censoring
 * time ≥ its event time. Strata without an event of interest contribute no rows. No delayed entry.
 */
export function finegrayExpand(input: FinegrayInput): FinegrayData {
  const n = input.time.length;
  const [time] = input.timefix === false ? [input.time] : timefix([input.time]);
  let minTime = Number.POSITIVE_INFINITY;
  for (const t of time) minTime = Math.min(minTime, t);
  // R adds a start column: 0, or a value below every time when some time is ≤ 0.
  const zero = minTime > 0 ? 0 : 2 * minTime - 1;

  const byStratum = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const s = input.strata ? input.strata[i] : 0;
    const rows = byStratum.get(s);
    if (rows) rows.push(i);
    else byStratum.set(s, [i]);
  }
  const out = { row: [] as number[], start: [] as number[], stop: [] as number[], status: [] as number[], weight: [] as number[] };
  const push = (i: number, start: number, stop: number, weight: number): void => {
    out.row.push(i);
    out.start.push(start);
    out.stop.push(stop);
    out.status.push(input.status[i] === input.cause ? 1 : 0);
    out.weight.push(weight * (input.weights ? input.weights[i] : 1));
  };

  for (const stratum of [...byStratum.keys()].sort((a, b) => a - b)) {
    const rows = byStratum.get(stratum) ?? [];
    const eventTimes = [...new Set(rows.filter((i) => input.status[i] === input.cause).map((i) => time[i]))].sort((a, b) => a - b);
    if (eventTimes.length === 0) continue;
    let maxTime = Number.NEGATIVE_INFINITY;
    for (const i of rows) maxTime = Math.max(maxTime, time[i]);

    // Interval j is (cut[j−1], cut[j]] (cut[−1] = −∞); prob[j] = G at its start; the last ends at maxTime.
    const { times: cTimes, surv: cSurv } = censoringKaplanMeier(time, input.status, rows);
    const cut = [...cTimes, maxTime];
    const prob = [1, ...cSurv];
    const keep = new Uint8Array(cut.length);
    keep[0] = 1;
    let j = 0;
    for (const t of eventTimes) {
      while (j < cut.length && cut[j] < t) j++;
      if (j >= 1) keep[j] = 1; // an event in (cut[j−1], cut[j]]
    }
    for (const i of rows) {
      const status = input.status[i];
      if (status === 0 || status === input.cause) {
        push(i, zero, time[i], 1);
        continue;
      }
      let k = 0;
      while (k < cut.length && cut[k] < time[i]) k++;
      push(i, zero, cut[k], 1);
      const atEvent = prob[k];
      for (let m = k + 1; m < cut.length; m++) {
        if (keep[m]) push(i, cut[m - 1], cut[m], prob[m] / atEvent);
      }
    }
  }
  return {
    row: Int32Array.from(out.row),
    start: Float64Array.from(out.start),
    stop: Float64Array.from(out.stop),
    status: Uint8Array.from(out.status),
    weight: Float64Array.from(out.weight),
  };
}

/**
 * Kaplan-Meier of the censoring distribution at the censoring times: at a tied time the events leave
 * first, so the censoring risk set excludes them (R's finegray shifts event times by −0.2 on its index
 * scale for this). Unweighted, as in R.
 */
function censoringKaplanMeier(time: Float64Array, status: Int32Array, rows: readonly number[]): { times: number[]; surv: number[] } {
  const sorted = [...rows].sort((a, b) => time[a] - time[b]);
  const times: number[] = [];
  const surv: number[] = [];
  let remaining = sorted.length;
  let g = 1;
  for (let a = 0; a < sorted.length; ) {
    const t = time[sorted[a]];
    let events = 0;
    let censored = 0;
    let b = a;
    for (; b < sorted.length && time[sorted[b]] === t; b++) {
      if (status[sorted[b]] === 0) censored++;
      else events++;
    }
    if (censored > 0) {
      g *= 1 - censored / (remaining - events);
      times.push(t);
      surv.push(g);
    }
    remaining -= b - a;
    a = b;
  }
  return { times, surv };
}
