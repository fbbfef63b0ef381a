import targets from '../../analysis/data/kim2022-targets.json' with { type: 'json' };
import { HR_MODELS } from './cohortFigures.ts';
import type { CohortFigures } from './cohortFigures.ts';

/** One line of the calibration table: a published figure beside its distribution over seeds. */
export interface CalibrationLine {
  label: string;
  published: number;
  /** 'point': rates, counts, follow-up, group sizes (median within 10% of the paper); 'hr': inside the range only. */
  kind: 'point' | 'hr';
  median: number;
  low: number;
  high: number;
  /** Seeds on which the figure could be computed (an HR needs events in both arms). */
  seeds: number;
  insideRange: boolean;
  /** |median / published - 1| <= 10% (point figures; always true for HRs). */
  medianWithin10: boolean;
}

type PointFigure = Exclude<keyof CohortFigures, 'hazardRatios'>;

interface TargetHr { population: string; endpoint: string; term: string; hr: number }

/** Published point figures and where each comes from in CohortFigures. */
export const POINT_TARGETS: readonly { label: string; figure: PointFigure; published: number; percent?: boolean }[] = [
  { label: 'OS at 3 years', figure: 'os3y', published: targets.rates.os['3y'], percent: true },
  { label: 'OS at 5 years', figure: 'os5y', published: targets.rates.os['5y'], percent: true },
  { label: 'PFS at 5 years', figure: 'pfs5y', published: targets.rates.pfs['5y'], percent: true },
  { label: 'LRR incidence at 5 years', figure: 'lrr5y', published: targets.rates.lrr['5yIncidence'], percent: true },
  { label: 'DP incidence at 5 years', figure: 'dp5y', published: targets.rates.dp['5yIncidence'], percent: true },
  { label: 'LRR events', figure: 'lrrEvents', published: targets.rates.lrr.events },
  { label: 'DP events', figure: 'dpEvents', published: targets.rates.dp.events },
  { label: 'LRR coinciding with DP', figure: 'lrrWithDp', published: targets.lrrPattern.coincidentWithDp },
  { label: 'Median follow-up (months)', figure: 'followUpMonths', published: targets.cohort.followUpMonths.median },
  { label: 'Maximum follow-up (months)', figure: 'maxFollowUpMonths', published: targets.cohort.followUpMonths.max },
  { label: 'PTR + PORT', figure: 'port', published: targets.cohort.port },
  { label: 'Group 1 (T1/2 non-TNBC)', figure: 'group1', published: targets.cohort.subgroups.group1.n },
  { label: 'Group 2 (T3/4 non-TNBC)', figure: 'group2', published: targets.cohort.subgroups.group2.n },
  { label: 'Group 3 (TNBC)', figure: 'group3', published: targets.cohort.subgroups.group3.n },
  { label: 'Unclassified', figure: 'unclassified', published: targets.cohort.subgroups.unclassified },
];

/** Quantile by R's type 7 (linear interpolation between order statistics). */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function line(label: string, published: number, kind: 'point' | 'hr', values: readonly number[]): CalibrationLine {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const low = quantile(sorted, 0.025);
  const high = quantile(sorted, 0.975);
  return {
    label, published, kind, median, low, high, seeds: sorted.length,
    insideRange: published >= low && published <= high,
    medianWithin10: kind === 'hr' || Math.abs(median / published - 1) <= 0.1,
  };
}

/** The calibration table from the figures of every seed: published vs median and 2.5-97.5% range. */
export function calibrationLines(perSeed: readonly CohortFigures[]): CalibrationLine[] {
  const points = POINT_TARGETS.map((t) => line(t.label, t.published, 'point', perSeed.map((f) => f[t.figure])));
  const published = targets.hazardRatios as TargetHr[];
  const hrs = HR_MODELS.flatMap((model) => {
    const target = published.find((t) => `${t.population}/${t.endpoint}` === model.key && t.term === 'port');
    if (!target) return [];
    const label = `PORT HR ${model.population === 'all' ? 'overall' : model.population.replace('group', 'group ')} ${model.endpoint.toUpperCase()} (${model.terms.length > 1 ? `+ ${model.terms.slice(1).join(', ')}` : 'univariate'})`;
    return [line(label, target.hr, 'hr', perSeed.map((f) => f.hazardRatios[model.key]))];
  });
  return [...points, ...hrs];
}

function format(value: number, label: string): string {
  if (!Number.isFinite(value)) return 'NA';
  const percent = POINT_TARGETS.find((t) => t.label === label)?.percent ?? false;
  if (percent) return `${(100 * value).toFixed(1)}%`;
  if (label.startsWith('PORT HR')) return value.toFixed(2);
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** Markdown table (the README's "Calibration" section prints exactly this). */
export function calibrationMarkdown(lines: readonly CalibrationLine[], seeds: number): string {
  const header = '| figure | paper | simulated median | 2.5-97.5% over seeds | holds |\n|---|---:|---:|---:|:---:|';
  const rows = lines.map((l) => {
    const holds = l.insideRange && l.medianWithin10 ? 'yes' : `NO${l.insideRange ? '' : ' (outside range)'}${l.medianWithin10 ? '' : ' (median > 10% off)'}`;
    const fitted = l.seeds < seeds ? ` (${l.seeds} of ${seeds} seeds estimable)` : '';
    return `| ${l.label} | ${format(l.published, l.label)} | ${format(l.median, l.label)} | ${format(l.low, l.label)} - ${format(l.high, l.label)}${fitted} | ${holds} |`;
  });
  return [header, ...rows].join('\n');
}
