// The path of each primary estimand's z statistic over the looks, against its two-sided
// Lan-DeMets O'Brien-Fleming boundary (Lan & DeMets 1983): one small panel per estimand, x the
// information fraction. A z beyond the band is a boundary crossing (negative z favours PORT).
import type { TopLevelSpec } from 'vega-lite';
import type { ZPath } from '../reportInput.ts';
import { ReportInputError } from '../reportInputError.ts';
import { estimandLabel } from '../vocabulary.ts';
import { COLOURS, renderVegaLite } from './vegaSvg.ts';

export interface ZPathPlotOptions {
  readonly description?: string;
  /** Panels per row. */
  readonly columns?: number;
}

/** The y axis reaches at least this far; it grows to hold every finite boundary and z, never clipping them. */
const Z_AXIS_MIN = 6;

/** A panel note as lines of at most 30 characters (vega draws an array of strings as lines), at most 4 lines. */
function wrap(text: string): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/)) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + word.length + 1 <= 30) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.length > 4 ? [...lines.slice(0, 3), `${lines[3]}…`] : lines;
}

function checkPath(path: ZPath): void {
  for (const look of path.looks) {
    // An infinite boundary is a look that spent no alpha (drawn as a gap in the boundary line).
    const ok = [look.z, look.informationFraction].every(Number.isFinite) && look.boundary > 0 && !Number.isNaN(look.boundary) && look.informationFraction > 0;
    if (!ok) throw new ReportInputError(`z path ${path.population}/${path.endpoint}, look ${look.look}: z, boundary > 0 and information fraction > 0 must be numbers`);
  }
}

export function zPathSpec(paths: readonly ZPath[], options: ZPathPlotOptions = {}): TopLevelSpec {
  paths.forEach(checkPath);
  const rows = paths.flatMap((path) =>
    path.looks.map((l) => {
      const finite = Number.isFinite(l.boundary);
      // Null values are not drawn (vega-lite filters invalid values): an infinite boundary is a gap.
      return { estimand: estimandLabel(path.population, path.endpoint), t: l.informationFraction, z: l.z, upper: finite ? l.boundary : null, lower: finite ? -l.boundary : null, look: l.look, note: null as string[] | null };
    }),
  );
  // Every monitored estimand has its panel: one not yet estimable says why in it.
  const notes = paths.filter((p) => p.looks.length === 0 || p.notEstimable !== null).map((p) => ({
    estimand: estimandLabel(p.population, p.endpoint), t: null, z: null, upper: null, lower: null, look: null,
    note: wrap(p.notEstimable === null ? 'no look yet' : `not estimable at this look: ${p.notEstimable}`),
  }));
  const order = paths.map((p) => estimandLabel(p.population, p.endpoint));
  const extent = rows.flatMap((r) => [Math.abs(r.z), r.upper ?? 0]);
  const limit = Math.ceil(Math.max(Z_AXIS_MIN, ...extent.map((v) => v + 0.5)));
  const step = limit <= 8 ? 2 : limit <= 16 ? 4 : 8;
  const ticks: number[] = [];
  for (let v = -Math.floor(limit / step) * step; v <= limit; v += step) ticks.push(v);
  const tMax = Math.max(1, ...rows.map((r) => r.t));
  const x = { field: 't', type: 'quantitative' as const, scale: { domain: [0, tMax], nice: false }, axis: { title: 'Information fraction', values: [0, 0.25, 0.5, 0.75, 1], format: '.2~f' } };
  const yScale = { domain: [-limit, limit], nice: false };
  const spec: TopLevelSpec = {
    description: options.description ?? 'z statistics of the primary estimands against the spending boundary',
    data: { values: [...rows, ...notes] },
    facet: { field: 'estimand', type: 'nominal', sort: order, title: null, header: { labelFontSize: 12, labelFontWeight: 'bold', labelAnchor: 'start' } },
    columns: options.columns ?? 3,
    spacing: { row: 16, column: 14 },
    spec: {
      width: 210,
      height: 160,
      layer: [
        {
          mark: { type: 'area', color: COLOURS.band, opacity: 0.12 },
          encoding: { x, y: { field: 'lower', type: 'quantitative', scale: yScale, axis: { title: 'z (negative favours PORT)', values: ticks, labelOverlap: false } }, y2: { field: 'upper' } },
        },
        {
          mark: { type: 'line', color: COLOURS.boundary, strokeDash: [5, 3], strokeWidth: 1.5, point: { filled: true, size: 14, color: COLOURS.boundary } },
          encoding: { x, y: { field: 'upper', type: 'quantitative', scale: yScale } },
        },
        {
          mark: { type: 'line', color: COLOURS.boundary, strokeDash: [5, 3], strokeWidth: 1.5, point: { filled: true, size: 14, color: COLOURS.boundary } },
          encoding: { x, y: { field: 'lower', type: 'quantitative', scale: yScale } },
        },
        {
          mark: { type: 'rule', color: '#888', strokeWidth: 0.8 },
          encoding: { y: { datum: 0, type: 'quantitative', scale: yScale } },
        },
        {
          mark: { type: 'line', color: COLOURS.port, strokeWidth: 2, point: { filled: true, size: 36, color: COLOURS.port } },
          encoding: { x, y: { field: 'z', type: 'quantitative', scale: yScale } },
        },
        {
          transform: [{ filter: 'datum.note !== null' }],
          mark: { type: 'text', fontSize: 10, color: '#555' },
          encoding: { x: { datum: 0.5, type: 'quantitative', scale: { domain: [0, tMax], nice: false } }, y: { datum: 0, type: 'quantitative', scale: yScale }, text: { field: 'note', type: 'nominal' } },
        },
      ],
    },
  };
  return spec;
}

/** Small multiples of z against the boundary over the looks; an SVG string. */
export async function zPathSvg(paths: readonly ZPath[], options: ZPathPlotOptions = {}): Promise<string> {
  // async, so that bad input is a rejected promise like any rendering failure
  return await renderVegaLite(zPathSpec(paths, options), 'zpath');
}
