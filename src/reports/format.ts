// How every number in the report is printed (documented in docs/reports.md, "Number formats").
// Printed text uses the typographic minus (U+2212) and en dash (U+2013); exported tables carry raw numbers.
import { ReportInputError } from './reportInputError.ts';
import { isSmallCount, suppressedText } from './suppression.ts';

export const NA = 'NA';
const MINUS = '\u2212';
const EN_DASH = '\u2013';

function signed(text: string): string {
  return text.startsWith('-') ? MINUS + text.slice(1) : text;
}

/** Fixed decimals, with "−0.00" normalised to "0.00". */
export function fixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return NA;
  const text = x.toFixed(digits);
  return Number(text) === 0 ? (0).toFixed(digits) : signed(text);
}

/** A count must be a non-negative integer; anything else is a bug upstream, not something to print. */
export function checkCount(n: number, where: string): number {
  if (!Number.isInteger(n) || n < 0) throw new ReportInputError(`${where}: count must be a non-negative integer, got ${String(n)}`);
  return n;
}

/** True when a count is a small cell: 0 < n < smallCellMin (zero is not disclosive and is shown). */
export const isSmallCell = isSmallCount;

export { suppressedText };

/** A count as printed: grouped thousands ("1,234"), or "<11" for a small cell. */
export function formatCount(n: number, smallCellMin: number, where = 'count'): string {
  checkCount(n, where);
  if (isSmallCell(n, smallCellMin)) return suppressedText(smallCellMin);
  return n.toLocaleString('en-US');
}

/** "45 (25.6)": count and percentage of `total` with one decimal; a small count hides both. */
export function formatCountPercent(n: number, total: number, smallCellMin: number, where = 'count'): string {
  const count = formatCount(n, smallCellMin, where);
  if (n === 0 || isSmallCell(n, smallCellMin) || total <= 0) return count;
  return `${count} (${fixed((100 * n) / total, 1)})`;
}

/** A hazard ratio: 2 decimals below 10, 1 decimal below 100, none above (the paper: 0.64, 6.61, 34.1). */
export function formatHr(x: number): string {
  if (x === Infinity) return '\u221e';
  if (!Number.isFinite(x)) return NA;
  if (x < 10) return fixed(x, 2);
  if (x < 100) return fixed(x, 1);
  return fixed(x, 0);
}

/** "0.50–0.82". */
export function formatInterval(lower: number, upper: number): string {
  return `${formatHr(lower)}${EN_DASH}${formatHr(upper)}`;
}

/** "0.64 (0.50–0.82)". */
export function formatHrCi(e: { readonly hr: number; readonly lower: number; readonly upper: number }): string {
  return `${formatHr(e.hr)} (${formatInterval(e.lower, e.upper)})`;
}

/** p values: "<0.001", three decimals otherwise, ">0.999" at the top (as the paper: 0.096, 0.860). */
export function formatP(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return NA;
  if (p < 0.001) return '<0.001';
  if (p > 0.999) return '>0.999';
  return p.toFixed(3);
}

/** A p value in a sentence: "p = 0.096", "p < 0.001", "p > 0.999"; `not computed (why)` when null. */
export function formatPStatement(p: number | null, notComputed: string | null = null): string {
  if (p === null || !Number.isFinite(p)) return notComputed === null ? 'p not computed' : `p not computed (${notComputed})`;
  if (p < 0.001) return 'p < 0.001';
  if (p > 0.999) return 'p > 0.999';
  return `p = ${p.toFixed(3)}`;
}

/** A probability as a percentage with one decimal, without the sign: 0.732 → "73.2". */
export function formatPercent(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return NA;
  return fixed(100 * fraction, 1);
}

/** "73.2 (68.1–77.6)" for a rate and its CI, all in percent. */
export function formatPercentCi(e: { readonly estimate: number | null; readonly lower: number | null; readonly upper: number | null }): string {
  if (e.estimate === null) return 'not reached';
  const bounded = e.lower !== null && e.upper !== null && Number.isFinite(e.lower) && Number.isFinite(e.upper);
  const ci = bounded ? ` (${formatPercent(e.lower)}${EN_DASH}${formatPercent(e.upper)})` : '';
  return `${formatPercent(e.estimate)}${ci}`;
}

/** Standardised mean differences: two decimals, signed. */
export function formatSmd(x: number | null): string {
  return x === null ? NA : fixed(x, 2);
}

/** z statistics and critical values: two decimals, signed. */
export function formatZ(x: number | null): string {
  return x === null ? NA : fixed(x, 2);
}

/** Months of follow-up: one decimal. */
export function formatMonths(x: number | null): string {
  return x === null ? NA : fixed(x, 1);
}

/** Information fraction: two decimals. */
export function formatFraction(x: number | null): string {
  return x === null ? NA : fixed(x, 2);
}

/** E-values: two decimals (VanderWeele & Ding 2017 report them so). */
export function formatEValue(x: number): string {
  return fixed(x, 2);
}

/** "0.0083" for an allocated alpha: four significant digits. */
export function formatAlpha(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : NA;
}

export { EN_DASH, MINUS };

/** A count for an exported table: the integer, or the string "<k" for a small cell (never the value). */
export function countCell(n: number, smallCellMin: number, where = 'count'): number | string {
  checkCount(n, where);
  return isSmallCell(n, smallCellMin) ? suppressedText(smallCellMin) : n;
}
