import { survivalCurves } from './survivalCurves.ts';
import type { SurvData } from './types.ts';

export interface FollowUpSummary {
  /** Median follow-up by the reverse Kaplan-Meier (censoring is the event), with its log-type 95% CI. */
  reverseKm: { median: number; lower: number; upper: number };
  reverseKmQuantiles: { probs: number[]; value: number[]; lower: number[]; upper: number[] };
  /** Plain median of all observed times, and of the censored rows' times. */
  simpleMedian: number;
  simpleMedianCensored: number;
}

/**
 * Median follow-up by the reverse Kaplan-Meier method (Schemper & Smith 1996): the KM of the censoring
 * distribution, `survfit(Surv(time, event != 1) ~ 1)` with conf.type = "log".
 */
export function reverseKmFollowUp(data: SurvData): FollowUpSummary {
  const flipped: SurvData = { ...data, event: Uint8Array.from(data.event, (e) => (e === 1 ? 0 : 1)) };
  const [curve] = survivalCurves(flipped, { confType: 'log' });
  const censoredTimes: number[] = [];
  for (let i = 0; i < data.time.length; i++) if (data.event[i] !== 1) censoredTimes.push(data.time[i]);
  return {
    reverseKm: { median: curve.median.value, lower: curve.median.lower, upper: curve.median.upper },
    reverseKmQuantiles: curve.quantiles,
    simpleMedian: median(Array.from(data.time)),
    simpleMedianCensored: median(censoredTimes),
  };
}

/** R's `median()`: the middle value, or the mean of the two middle values. NaN for no values. */
function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
