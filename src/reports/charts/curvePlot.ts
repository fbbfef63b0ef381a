// Kaplan-Meier and cumulative-incidence plots by arm: step functions with their pointwise CI as a
// band, and the number-at-risk table drawn under the same time axis (so the columns line up).
import type { TopLevelSpec } from 'vega-lite';
import type { Arm, ArmCurve, CurvePoint, RiskTable } from '../reportInput.ts';
import { ReportInputError } from '../reportInputError.ts';
import { formatCount } from '../format.ts';
import { ARM_LABEL } from '../vocabulary.ts';
import { thinSteps } from './thinSteps.ts';
import { COLOURS, renderVegaLite } from './vegaSvg.ts';

export interface CurveSet {
  readonly arms: readonly ArmCurve[];
  readonly riskTable: RiskTable;
}

export interface CurvePlotOptions {
  /** Counts below this are suppressed; curves stop where fewer than this remain at risk. */
  readonly smallCellMin: number;
  /** Y axis title, e.g. "Overall survival". */
  readonly yTitle: string;
  /** Accessible description of the chart (plain text). */
  readonly description?: string;
  readonly width?: number;
  readonly height?: number;
}

const ARM_ORDER: readonly Arm[] = ['ptr', 'port'];

function checkPoints(arm: Arm, points: readonly CurvePoint[]): void {
  let previous = -Infinity;
  for (const p of points) {
    // CI bounds may be missing (NaN), as R's survfit gives NA where the log-log CI is undefined (S = 0).
    const finite = [p.time, p.estimate, p.nRisk].every(Number.isFinite);
    if (!finite || p.time < previous || p.estimate < 0 || p.estimate > 1 || p.time < 0) {
      throw new ReportInputError(`curve of arm ${arm}: point at time ${String(p.time)} is not a valid step (times increasing, estimates in [0, 1])`);
    }
    previous = p.time;
  }
}

/**
 * The part of a curve that may be drawn: up to the first step where fewer than `smallCellMin`
 * patients were at risk (a curve tail resting on a handful of patients is both uninformative and
 * disclosive). The last estimate is carried to that time, since it holds until just before it.
 */
export function visiblePoints(points: readonly CurvePoint[], smallCellMin: number): readonly CurvePoint[] {
  const shown: CurvePoint[] = [];
  for (const p of points) {
    if (p.nRisk < smallCellMin) {
      const last = shown.at(-1);
      if (last !== undefined && p.time > last.time) shown.push({ ...last, time: p.time, nRisk: p.nRisk });
      break;
    }
    shown.push(p);
  }
  return shown;
}

/** What is drawn of a curve: its visible part, thinned to the plot's resolution. */
export function drawnPoints(points: readonly CurvePoint[], smallCellMin: number): readonly CurvePoint[] {
  return thinSteps(visiblePoints(points, smallCellMin));
}

/**
 * Every how many risk-table columns to print, so that the widest number (about 6 px a character
 * at 10 px) fits between neighbours; the exported table keeps them all.
 */
export function columnStride(texts: readonly string[], columns: number, width: number): number {
  const widest = Math.max(1, ...texts.map((t) => t.length)) * 6 + 8;
  return Math.max(1, Math.ceil(widest / (width / Math.max(1, columns))));
}

function sortedArms(arms: readonly ArmCurve[]): readonly ArmCurve[] {
  return ARM_ORDER.flatMap((arm) => arms.filter((a) => a.arm === arm));
}

export function curveSpec(curves: CurveSet, options: CurvePlotOptions, legendCorner: 'top-right' | 'top-left'): TopLevelSpec {
  const width = options.width ?? 420;
  const height = options.height ?? 260;
  const arms = sortedArms(curves.arms);
  for (const a of arms) checkPoints(a.arm, a.points);
  const armLabels = ARM_ORDER.map((a) => ARM_LABEL[a]);
  const steps = arms.flatMap((a) =>
    drawnPoints(a.points, options.smallCellMin).map((p) => ({
      arm: ARM_LABEL[a.arm],
      shade: ARM_LABEL[a.arm],
      time: p.time,
      estimate: p.estimate,
      // A missing bound collapses the band to the curve there, rather than breaking the area.
      lower: Number.isFinite(p.lower) ? p.lower : p.estimate,
      upper: Number.isFinite(p.upper) ? p.upper : p.estimate,
    })),
  );
  const times = curves.riskTable.times;
  // The axis ends at a risk-table time, or one interval past the last when a curve runs beyond it.
  const interval = times.length > 1 ? times[times.length - 1] - times[times.length - 2] : 12;
  const lastStep = steps.reduce((max, s) => Math.max(max, s.time), 0); // no spread: steps can be data-sized
  const lastTick = times.at(-1) ?? 0;
  const lastTime = lastStep > lastTick ? lastTick + interval * Math.ceil((lastStep - lastTick) / interval) : Math.max(1, lastTick);
  if (ARM_ORDER.some((arm) => curves.riskTable.atRisk[arm].length !== times.length)) {
    throw new ReportInputError('risk table: every arm needs one number at risk per time');
  }
  const allRisk = ARM_ORDER.flatMap((arm) =>
    times.map((time, i) => ({ arm: ARM_LABEL[arm], shade: ARM_LABEL[arm], time, column: i, text: formatCount(curves.riskTable.atRisk[arm][i], options.smallCellMin, 'number at risk') })),
  );
  const stride = columnStride(
    allRisk.map((r) => r.text),
    times.length,
    width,
  );
  const risk = allRisk.filter((r) => r.column % stride === 0);
  const x = { field: 'time', type: 'quantitative' as const, scale: { domain: [0, lastTime], nice: false, zero: true } };
  // Bands and risk-table text are coloured through a copy of the arm field (`shade`), so vega-lite
  // keeps their legend-less scale apart from the curves' legend (colour + dash, merged).
  const armFill = { field: 'shade', type: 'nominal' as const, scale: { domain: armLabels, range: [COLOURS.ptr, COLOURS.port] } };
  const colour = { field: 'arm', type: 'nominal' as const, scale: { domain: armLabels, range: [COLOURS.ptr, COLOURS.port] } };
  const extraTicks: number[] = [];
  for (let t = lastTick + interval; times.length > 0 && t <= lastTime + 1e-9; t += interval) extraTicks.push(t);
  const tickValues = times.length > 0 ? [...times, ...extraTicks].filter((_, i) => i % stride === 0) : undefined;
  // One legend for colour and dash (PTR alone is dashed, so the arms stay apart in greyscale print).
  const legend = { title: null, orient: legendCorner, fillColor: 'white', padding: 4, symbolType: 'stroke', symbolSize: 300 } as const;
  const spec: TopLevelSpec = {
    description: options.description ?? options.yTitle,
    vconcat: [
      {
        width,
        height,
        data: { values: steps },
        encoding: {
          x: { ...x, axis: { title: 'Months since PTR', values: tickValues, grid: true } },
        },
        layer: [
          {
            mark: { type: 'area', interpolate: 'step-after', opacity: 0.14 },
            encoding: {
              y: { field: 'lower', type: 'quantitative' },
              y2: { field: 'upper' },
              fill: { ...armFill, legend: null },
              detail: { field: 'arm' },
            },
          },
          {
            mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
            encoding: {
              y: {
                field: 'estimate',
                type: 'quantitative',
                scale: { domain: [0, 1] },
                axis: { title: options.yTitle, format: '.0%', values: [0, 0.2, 0.4, 0.6, 0.8, 1] },
              },
              color: { ...colour, legend },
              strokeDash: { field: 'arm', type: 'nominal', scale: { domain: armLabels, range: [[7, 3], [1, 0]] }, legend },
            },
          },
        ],
      },
      {
        width,
        height: 30,
        title: { text: 'Number at risk', fontSize: 11, fontWeight: 'normal', anchor: 'start', offset: 2 },
        data: { values: risk },
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          x: { ...x, axis: null },
          y: { field: 'arm', type: 'nominal', sort: armLabels, axis: { title: null, domain: false, ticks: false, labelFontSize: 10, labelPadding: 16 } },
          text: { field: 'text', type: 'nominal' },
          // fill (not color): a scale of its own, so this legend-less layer does not disable the curve legend.
          fill: { ...armFill, legend: null },
        },
      },
    ],
    spacing: 6,
    resolve: { scale: { x: 'shared' }, legend: { color: 'independent', strokeDash: 'independent' } },
  };
  return spec;
}

/** Kaplan-Meier curves by arm with 95% CI bands and the number-at-risk table; an SVG string. */
export async function kmPlotSvg(curves: CurveSet, options: CurvePlotOptions): Promise<string> {
  // async, so that bad input is a rejected promise like any rendering failure
  return await renderVegaLite(curveSpec(curves, options, 'top-right'), 'km');
}

/** Cumulative incidence (Aalen-Johansen) by arm with 95% CI bands and numbers at risk; an SVG string. */
export async function cifPlotSvg(curves: CurveSet, options: CurvePlotOptions): Promise<string> {
  // async, so that bad input is a rejected promise like any rendering failure
  return await renderVegaLite(curveSpec(curves, options, 'top-left'), 'cif');
}
