// Forest plot of PORT hazard ratios (monitoring model) by population and endpoint: the naive 95% CI
// (thin) over the repeated CI (wide band; Jennison & Turnbull 2000, ch. 9), the point estimate, the
// paper's published HR, and a text panel with the numbers. Log scale, reference line at HR = 1.
import type { TopLevelSpec } from 'vega-lite';
import type { ForestRow } from '../reportInput.ts';
import { ReportInputError } from '../reportInputError.ts';
import { formatHrCi, formatInterval } from '../format.ts';
import { printedCount, suppressArms } from '../suppression.ts';
import { estimandLabel } from '../vocabulary.ts';
import { COLOURS, renderVegaLite } from './vegaSvg.ts';

export interface ForestPlotOptions {
  /** Event counts below this are printed as "<k". */
  readonly smallCellMin: number;
  readonly description?: string;
  readonly width?: number;
}

const NAIVE = 'Naive 95% CI';
const REPEATED = 'Repeated CI (alpha spent)';
const ESTIMATE = 'HR, monitoring model';
const PUBLISHED = 'Published HR (Kim 2022)';

/** A CI may be unbounded (an early repeated CI, a sparse subgroup): [0, Infinity] is valid. */
function validInterval(lower: number, upper: number): boolean {
  return !Number.isNaN(lower) && !Number.isNaN(upper) && lower >= 0 && lower <= upper;
}

function checkRow(row: ForestRow): void {
  const ok =
    Number.isFinite(row.hr) &&
    row.hr > 0 &&
    validInterval(row.naive.lower, row.naive.upper) &&
    (row.repeated === null || validInterval(row.repeated.lower, row.repeated.upper));
  if (!ok) throw new ReportInputError(`forest row ${row.population}/${row.endpoint}: the hazard ratio must be a positive number and each CI 0 <= lower <= upper`);
}

export function forestSpec(rows: readonly ForestRow[], options: ForestPlotOptions): TopLevelSpec {
  rows.forEach(checkRow);
  const label = (r: ForestRow) => `${estimandLabel(r.population, r.endpoint)}${r.primary ? ' *' : ''}`;
  const labels = rows.map(label);
  if (new Set(labels).size !== labels.length) throw new ReportInputError('forest plot: each population x endpoint may appear once');
  const intervals = rows.flatMap((r) => [
    ...(r.repeated === null ? [] : [{ label: label(r), kind: REPEATED, lower: r.repeated.lower, upper: r.repeated.upper }]),
    { label: label(r), kind: NAIVE, lower: r.naive.lower, upper: r.naive.upper },
  ]);
  const points = rows.flatMap((r) => [
    { label: label(r), kind: ESTIMATE, hr: r.hr },
    ...(r.published === null ? [] : [{ label: label(r), kind: PUBLISHED, hr: r.published.hr }]),
  ]);
  const text = rows.flatMap((r) => [
    { label: label(r), column: 'HR (95% CI)', text: formatHrCi({ hr: r.hr, ...r.naive }) },
    { label: label(r), column: 'Repeated CI', text: r.repeated === null ? '' : formatInterval(r.repeated.lower, r.repeated.upper) },
    {
      label: label(r),
      column: 'Events PTR / PORT',
      text: ((s) => `${printedCount(r.events.ptr, s.ptr, options.smallCellMin)} / ${printedCount(r.events.port, s.port, options.smallCellMin)}`)(suppressArms(r.events, options.smallCellMin)),
    },
  ]);
  const all = [...intervals.flatMap((i) => [i.lower, i.upper]), ...points.map((p) => p.hr)].filter((v) => Number.isFinite(v) && v > 0);
  const lo = Math.max(0.05, Math.min(0.5, ...all) / 1.15);
  const hi = Math.min(20, Math.max(2, ...all) * 1.15);
  // Bounds beyond the axis (or unbounded) are drawn to its edge; the text panel gives the numbers.
  const clamp = (v: number) => Math.min(hi, Math.max(lo, v));
  const drawnIntervals = intervals.map((i) => ({ ...i, lower: clamp(i.lower), upper: clamp(i.upper) }));
  const height = Math.max(60, rows.length * 22);
  const y = { field: 'label', type: 'nominal' as const, sort: labels, title: null };
  const x = { type: 'quantitative' as const, scale: { type: 'log' as const, domain: [lo, hi], clamp: true, nice: false } };
  const plotWidth = options.width ?? 300;
  const yAxis = { ...y, axis: { labelFontSize: 11, labelLimit: 200, domain: false, ticks: false, grid: true, gridColor: '#f0f0f0' } };
  const spec: TopLevelSpec = {
    description: options.description ?? 'Forest plot of PORT hazard ratios',
    vconcat: [
      {
        hconcat: [
          {
            width: plotWidth,
            height,
            layer: [
              {
                data: { values: [{ one: 1 }] },
                mark: { type: 'rule', strokeDash: [4, 3], color: '#888' },
                encoding: { x: { field: 'one', ...x } },
              },
              {
                data: { values: drawnIntervals.filter((i) => i.kind === REPEATED) },
                mark: { type: 'rule', strokeWidth: 8, strokeCap: 'butt', color: COLOURS.band, opacity: 0.75 },
                encoding: { y: yAxis, x: { field: 'lower', ...x }, x2: { field: 'upper' } },
              },
              {
                data: { values: drawnIntervals.filter((i) => i.kind === NAIVE) },
                mark: { type: 'rule', strokeWidth: 1.6, color: '#222' },
                encoding: {
                  y: yAxis,
                  x: {
                    field: 'lower',
                    ...x,
                    axis: { title: 'Hazard ratio, PORT vs PTR alone (log scale)', values: [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20].filter((v) => v >= lo && v <= hi), format: '~g', grid: false },
                  },
                  x2: { field: 'upper' },
                },
              },
              {
                data: { values: points.filter((p) => p.kind === PUBLISHED) },
                mark: { type: 'point', shape: 'diamond', size: 70, filled: false, strokeWidth: 1.8, color: COLOURS.published },
                encoding: { y: yAxis, x: { field: 'hr', ...x } },
              },
              {
                data: { values: points.filter((p) => p.kind === ESTIMATE) },
                mark: { type: 'point', shape: 'square', size: 50, filled: true, color: '#111' },
                encoding: { y: yAxis, x: { field: 'hr', ...x } },
              },
            ],
          },
          {
            width: 300,
            height,
            data: { values: text },
            mark: { type: 'text', fontSize: 11, align: 'center' },
            encoding: {
              y: { ...y, axis: null },
              x: { field: 'column', type: 'nominal', sort: COLUMNS, axis: { orient: 'top', title: null, domain: false, ticks: false, labelFontWeight: 'bold', labelAngle: 0, labelLimit: 0 } },
              text: { field: 'text', type: 'nominal' },
            },
          },
        ],
        spacing: 4,
        resolve: { scale: { y: 'shared' } },
      },
      legendSpec(),
    ],
    spacing: 8,
  };
  return spec;
}

/**
 * The key, drawn as marks (vega-lite would merge or drop legends of several layers): a sample
 * glyph and its words per element, in pixel positions.
 */
function legendSpec(): ConcatItem {
  const entries = [
    { text: REPEATED, glyph: { type: 'rule', strokeWidth: 8, color: COLOURS.band, opacity: 0.75 } },
    { text: NAIVE, glyph: { type: 'rule', strokeWidth: 1.6, color: '#222' } },
    { text: ESTIMATE, glyph: { type: 'point', shape: 'square', size: 50, filled: true, color: '#111' } },
    { text: PUBLISHED, glyph: { type: 'point', shape: 'diamond', size: 70, filled: false, strokeWidth: 1.8, color: COLOURS.published } },
  ] as const;
  const step = 165;
  const spec: ConcatItem = {
    width: entries.length * step,
    height: 14,
    data: { values: [{}] },
    layer: entries.flatMap((e, i) => [
      e.glyph.type === 'rule'
        ? { mark: e.glyph, encoding: { x: { value: i * step }, x2: { value: i * step + 22 }, y: { value: 7 } } }
        : { mark: e.glyph, encoding: { x: { value: i * step + 11 }, y: { value: 7 } } },
      { mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 11, text: e.text }, encoding: { x: { value: i * step + 28 }, y: { value: 7 } } },
    ]),
  };
  return spec;
}

/** A chart inside a concatenation (what vega-lite calls a non-normalised spec). */
type ConcatItem = Extract<TopLevelSpec, { vconcat: unknown }>['vconcat'][number];

const COLUMNS = ['HR (95% CI)', 'Repeated CI', 'Events PTR / PORT'];

/** The forest plot as an SVG string (also embedded in alert mails). `*` marks a primary estimand. */
export async function forestPlotSvg(rows: readonly ForestRow[], options: ForestPlotOptions): Promise<string> {
  // async, so that bad input is a rejected promise like any rendering failure
  return await renderVegaLite(forestSpec(rows, options), 'forest');
}
