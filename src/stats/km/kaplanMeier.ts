import { argsortFloat64 } from '../cox/argsort.ts';
import type { KmTable, SurvData } from './types.ts';

/**
 * Kaplan-Meier estimate for one curve, with Greenwood's variance of −log S (Σ d/(n(n−d)); Kalbfleisch &
 * Prentice 2002, sec 1.4) and the Nelson-Aalen cumulative hazard with variance Σ d/n², as survival 3.x's
 * survfitKM reports them. Times are used as given: apply `timefix` first, as survfit does.
 * `rows` selects the rows of this curve (all rows when omitted).
 */
export function kaplanMeier(data: SurvData, rows?: Int32Array): KmTable {
  const index = rows ?? Int32Array.from({ length: data.time.length }, (_, i) => i);
  // Radix argsort (stable): a comparator sort of a million indices costs several times more.
  const byTime = argsortFloat64(Float64Array.from(index, (i) => data.time[i]));
  const order = byTime.map((k) => index[k]);
  const weight = (i: number): number => (data.weights ? data.weights[i] : 1);

  const times: number[] = [];
  const events: number[] = [];
  const censors: number[] = [];
  for (let k = 0; k < order.length; ) {
    const t = data.time[order[k]];
    let d = 0;
    let c = 0;
    for (; k < order.length && data.time[order[k]] === t; k++) {
      const i = order[k];
      if (data.event[i] === 1) d += weight(i);
      else c += weight(i);
    }
    times.push(t);
    events.push(d);
    censors.push(c);
  }

  const m = times.length;
  const table: KmTable = {
    time: Float64Array.from(times),
    nRisk: new Float64Array(m),
    nEvent: Float64Array.from(events),
    nCensor: Float64Array.from(censors),
    surv: new Float64Array(m),
    stdErrLogS: new Float64Array(m),
    cumhaz: new Float64Array(m),
    stdChaz: new Float64Array(m),
  };
  // Number at risk accumulated from the end: fewer cancellations than subtracting from the total.
  let atRisk = 0;
  for (let j = m - 1; j >= 0; j--) {
    atRisk += events[j] + censors[j];
    table.nRisk[j] = atRisk;
  }
  let surv = 1;
  let greenwood = 0;
  let cumhaz = 0;
  let varChaz = 0;
  for (let j = 0; j < m; j++) {
    const n = table.nRisk[j];
    const d = events[j];
    if (d > 0) {
      surv *= (n - d) / n;
      greenwood += n > d ? d / (n * (n - d)) : Number.POSITIVE_INFINITY;
      cumhaz += d / n;
      varChaz += d / (n * n);
    }
    table.surv[j] = surv;
    table.stdErrLogS[j] = Math.sqrt(greenwood);
    table.cumhaz[j] = cumhaz;
    table.stdChaz[j] = Math.sqrt(varChaz);
  }
  return table;
}
