import { timefix } from '../timefix.ts';
import type { ConfType, Grouping } from '../km/types.ts';
import { aalenJohansen, probabilityBand } from './aalenJohansen.ts';
import type { CifAtTimes, CifCurve, CifTable, CompetingRisksData } from './types.ts';

export interface CifOptions {
  /** Confidence interval type, default 'log' (R's default for multi-state survfit). */
  confType?: ConfType;
  level?: number;
  /** Times at which to read the curves (`summary(fit, times, extend = TRUE)`). */
  times?: readonly number[];
  /** Apply R's timefix to the times first (default true, as survfit). */
  timefix?: boolean;
}

export const EVENT_FREE_STATE = '(s0)';

/**
 * Cumulative incidence of competing risks by the Aalen-Johansen estimator, one curve per group, as
 * `survfit(Surv(time, status) ~ group)` with a factor status whose first level is censoring.
 */
export function cumulativeIncidence(data: CompetingRisksData, options: CifOptions = {}, grouping?: Grouping): CifCurve[] {
  const confType = options.confType ?? 'log';
  const level = options.level ?? 0.95;
  for (const s of data.status) {
    if (!(Number.isInteger(s) && s >= 0 && s <= data.causes.length)) throw new Error(`status code ${s} is not 0 (censored) or a cause 1…${data.causes.length}`);
  }
  const fixed: CompetingRisksData = options.timefix === false ? data : { ...data, time: timefix([data.time])[0] };
  const states = [EVENT_FREE_STATE, ...data.causes];

  const groups: { label: string | null; rows: Int32Array }[] = [];
  if (!grouping) {
    groups.push({ label: null, rows: Int32Array.from({ length: fixed.time.length }, (_, i) => i) });
  } else {
    const buckets: number[][] = grouping.labels.map(() => []);
    grouping.codes.forEach((code, i) => buckets[code].push(i));
    grouping.labels.forEach((label, g) => buckets[g].length > 0 && groups.push({ label, rows: Int32Array.from(buckets[g]) }));
  }
  return groups.map(({ label, rows }) => {
    const table = aalenJohansen(fixed, rows, confType, level);
    return {
      group: label,
      n: rows.length,
      states,
      table,
      at: options.times ? cifAtTimes(table, options.times, confType, level) : null,
    };
  });
}

/**
 * Values at requested times with `extend = TRUE`: the last row ≤ t; n at risk from the first row ≥ t.
 * Times are sorted; those before min(0, first time) are left out, as R does.
 */
export function cifAtTimes(table: CifTable, requested: readonly number[], confType: ConfType, level = 0.95): CifAtTimes {
  const minTime = Math.min(0, table.time.length > 0 ? table.time[0] : 0);
  const times = requested.filter((t) => t >= minTime).sort((a, b) => a - b);
  const m = table.time.length;
  const nStates = table.pstate.length;
  const nRisk = new Float64Array(times.length);
  const pstate = Array.from({ length: nStates }, () => new Float64Array(times.length));
  const stdErr = Array.from({ length: nStates }, () => new Float64Array(times.length));
  let j = 0;
  times.forEach((t, r) => {
    while (j < m && table.time[j] <= t) j++;
    const last = j - 1;
    const firstAtOrAfter = last >= 0 && table.time[last] === t ? last : j;
    nRisk[r] = firstAtOrAfter < m ? table.nRisk[firstAtOrAfter] : 0;
    for (let s = 0; s < nStates; s++) {
      pstate[s][r] = last >= 0 ? table.pstate[s][last] : s === 0 ? 1 : 0;
      stdErr[s][r] = last >= 0 ? table.stdErr[s][last] : 0;
    }
  });
  return {
    time: Float64Array.from(times),
    beyondLastTime: times.map((t) => m === 0 || t > table.time[m - 1]),
    nRisk,
    pstate,
    stdErr,
    band: pstate.map((p, s) => probabilityBand(p, stdErr[s], confType, level)),
  };
}
