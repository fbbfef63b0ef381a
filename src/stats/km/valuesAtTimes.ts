import { survivalBand } from './confidenceBand.ts';
import type { ConfType, KmTable } from './types.ts';

/** A curve read at requested times, as `summary(fit, times, extend = TRUE)`. */
export interface KmAtTimes {
  time: Float64Array;
  /** True where the requested time lies after the curve's last time (n at risk 0, last values carried). */
  beyondLastTime: boolean[];
  nRisk: Float64Array;
  /** Events and censorings since the previous requested time. */
  nEvent: Float64Array;
  nCensor: Float64Array;
  surv: Float64Array;
  /** S · se(log S), the standard error `summary()` prints. */
  stdErrSurv: Float64Array;
  cumhaz: Float64Array;
  stdChaz: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

/**
 * Values of a Kaplan-Meier curve at requested times with R's `extend = TRUE` semantics: S, its
 * standard errors and cumulative hazard are those of the last curve time ≤ t (S = 1 before the first);
 * n at risk is that of the first curve time ≥ t (0 beyond the last). Times are sorted first, and times
 * before min(0, first curve time) are left out, as R does.
 */
export function valuesAtTimes(table: KmTable, requested: readonly number[], confType: ConfType, level = 0.95): KmAtTimes {
  const minTime = Math.min(0, table.time.length > 0 ? table.time[0] : 0);
  const times = requested.filter((t) => t >= minTime).sort((a, b) => a - b);
  const k = times.length;
  const m = table.time.length;
  const out = {
    time: Float64Array.from(times),
    beyondLastTime: times.map((t) => m === 0 || t > table.time[m - 1]),
    nRisk: new Float64Array(k),
    nEvent: new Float64Array(k),
    nCensor: new Float64Array(k),
    surv: new Float64Array(k),
    stdErrSurv: new Float64Array(k),
    cumhaz: new Float64Array(k),
    stdChaz: new Float64Array(k),
  };
  const seLog = new Float64Array(k);
  let j = 0; // rows with time ≤ the current requested time
  for (let r = 0; r < k; r++) {
    const t = times[r];
    let events = 0;
    let censors = 0;
    for (; j < m && table.time[j] <= t; j++) {
      events += table.nEvent[j];
      censors += table.nCensor[j];
    }
    out.nEvent[r] = events;
    out.nCensor[r] = censors;
    const last = j - 1;
    const firstAtOrAfter = last >= 0 && table.time[last] === t ? last : j;
    out.nRisk[r] = firstAtOrAfter < m ? table.nRisk[firstAtOrAfter] : 0;
    out.surv[r] = last >= 0 ? table.surv[last] : 1;
    seLog[r] = last >= 0 ? table.stdErrLogS[last] : 0;
    out.stdErrSurv[r] = out.surv[r] * seLog[r];
    out.cumhaz[r] = last >= 0 ? table.cumhaz[last] : 0;
    out.stdChaz[r] = last >= 0 ? table.stdChaz[last] : 0;
  }
  const band = survivalBand(out.surv, seLog, confType, level);
  // Before the curve's first time, summary.survfit reads the curve's start (S = 1) with both limits 1,
  // whatever the band type (a log-log band is NA at a curve time where S = 1, but not there).
  for (let r = 0; r < k; r++) {
    if (m === 0 || times[r] < table.time[0]) {
      band.lower[r] = 1;
      band.upper[r] = 1;
    }
  }
  return { ...out, lower: band.lower, upper: band.upper };
}
