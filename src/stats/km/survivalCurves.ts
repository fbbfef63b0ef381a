import { timefix } from '../timefix.ts';
import { survivalBand } from './confidenceBand.ts';
import { kaplanMeier } from './kaplanMeier.ts';
import { curveMedian, curveQuantiles } from './quantiles.ts';
import { restrictedMean, type RestrictedMean } from './restrictedMean.ts';
import { valuesAtTimes, type KmAtTimes } from './valuesAtTimes.ts';
import type { Band, ConfType, Grouping, KmTable, SurvData } from './types.ts';

export interface KmOptions {
  /** Confidence interval type (R's `conf.type`), default 'log'. */
  confType?: ConfType;
  /** Confidence level, default 0.95. */
  level?: number;
  /** Times at which to read the curves (`summary(fit, times, extend = TRUE)`). */
  times?: readonly number[];
  /** Quantile probabilities, default (0.25, 0.5, 0.75). */
  probs?: readonly number[];
  /** Apply R's timefix to the times first (default true, as survfit). */
  timefix?: boolean;
}

export interface QuantileEstimate {
  value: number;
  lower: number;
  upper: number;
}

export interface KmCurve {
  /** Group label, null for the overall curve. */
  group: string | null;
  /** Number of rows in the curve, and the (weighted) number of events. */
  n: number;
  nEvent: number;
  table: KmTable;
  confType: ConfType;
  band: Band;
  /** Median by R's `survmean` rule (print/summary table); NaN = not reached. */
  median: QuantileEstimate;
  /** Quantiles by R's `quantile.survfit` rule, one per probability. */
  quantiles: { probs: number[]; value: number[]; lower: number[]; upper: number[] };
  /** Restricted mean to the common end time (the largest time over all curves, R's default). */
  rmean: RestrictedMean;
  at: KmAtTimes | null;
}

/** Kaplan-Meier curves, one per group (or one overall), as R's `survfit(Surv(time, event) ~ group)`. */
export function survivalCurves(data: SurvData, options: KmOptions = {}, grouping?: Grouping): KmCurve[] {
  const confType = options.confType ?? 'log';
  const level = options.level ?? 0.95;
  const probs = [...(options.probs ?? [0.25, 0.5, 0.75])];
  const fixed: SurvData = options.timefix === false ? data : { ...data, time: timefix([data.time])[0] };

  const groups = splitRows(fixed.time.length, grouping);
  const tables = groups.map(({ rows }) => kaplanMeier(fixed, rows));
  // R's rmean = 'common': every curve is integrated up to the largest time of all curves, from min(0, times).
  let endTime = Number.NEGATIVE_INFINITY;
  let startTime = 0;
  for (const table of tables) {
    if (table.time.length === 0) continue;
    endTime = Math.max(endTime, table.time[table.time.length - 1]);
    startTime = Math.min(startTime, table.time[0]);
  }

  return groups.map(({ label, rows }, g) => {
    const table = tables[g];
    const band = survivalBand(table.surv, table.stdErrLogS, confType, level);
    let nEvent = 0;
    for (const i of rows) if (fixed.event[i] === 1) nEvent += fixed.weights ? fixed.weights[i] : 1;
    const quantile = curveQuantiles(table.time, table.surv, probs);
    return {
      group: label,
      n: rows.length,
      nEvent,
      table,
      confType,
      band,
      median: {
        value: curveMedian(table.time, table.surv),
        lower: curveMedian(table.time, band.lower),
        upper: curveMedian(table.time, band.upper),
      },
      quantiles: {
        probs,
        value: quantile,
        lower: curveQuantiles(table.time, band.lower, probs),
        upper: curveQuantiles(table.time, band.upper, probs),
      },
      rmean: restrictedMean(table, endTime, startTime),
      at: options.times ? valuesAtTimes(table, options.times, confType, level) : null,
    };
  });
}

function splitRows(n: number, grouping: Grouping | undefined): { label: string | null; rows: Int32Array }[] {
  if (!grouping) return [{ label: null, rows: Int32Array.from({ length: n }, (_, i) => i) }];
  const buckets: number[][] = grouping.labels.map(() => []);
  for (let i = 0; i < n; i++) buckets[grouping.codes[i]].push(i);
  // R drops empty factor levels from survfit's strata.
  return grouping.labels
    .map((label, g) => ({ label, rows: Int32Array.from(buckets[g]) }))
    .filter((group) => group.rows.length > 0);
}
