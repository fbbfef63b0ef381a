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

/** Early OBF boundaries are huge (|z| > 8 at t = 0.1); the axis stops here and the band is clipped. */
const Z_AXIS_LIMIT = 6;

function checkPath(path: ZPath): void {
  for (const look of path.looks) {
    const ok = [look.z, look.boundary, look.informationFraction].every(Number.isFinite) && look.boundary > 0 && look.informationFraction > 0;
    if (!ok) throw new ReportInputError(`z path ${path.population}/${path.endpoint}, look ${look.look}: z, boundary > 0 and information fraction > 0 must be numbers`);
  }
}

export function zPathSpec(paths: readonly ZPath[], options: ZPathPlotOptions = {}): TopLevelSpec {
  paths.forEach(checkPath);
  const rows = paths.flatMap((path) =>
    path.looks.map((l) => ({
      estimand: estimandLabel(path.population, path.endpoint),
      t: l.informationFraction,
      z: l.z,
      upper: l.boundary,
      lower: -l.boundary,
      look: l.look,
    })),
  );
  const order = paths.map((p) => estimandLabel(p.population, p.endpoint));
  const limit = Math.max(Z_AXIS_LIMIT, ...rows.map((r) => Math.abs(r.z) + 0.5));
  const tMax = Math.max(1, ...rows.map((r) => r.t));
  const x = { field: 't', type: 'quantitative' as const, scale: { domain: [0, tMax], nice: false }, axis: { title: 'Information fraction', values: [0, 0.25, 0.5, 0.75, 1], format: '.2~f' } };
  const yScale = { domain: [-limit, limit], nice: false };
  const spec: TopLevelSpec = {
    description: options.description ?? 'z statistics of the primary estimands against the spending boundary',
    data: { values: rows },
    facet: { field: 'estimand', type: 'nominal', sort: order, title: null, header: { labelFontSize: 12, labelFontWeight: 'bold', labelAnchor: 'start' } },
    columns: options.columns ?? 3,
    spacing: { row: 16, column: 14 },
    spec: {
      width: 210,
      height: 160,
      layer: [
        {
          mark: { type: 'area', color: COLOURS.band, opacity: 0.12, clip: true },
          encoding: { x, y: { field: 'lower', type: 'quantitative', scale: yScale, axis: { title: 'z (negative favours PORT)', values: [-6, -4, -2, 0, 2, 4, 6].filter((v) => Math.abs(v) <= limit), tickCount: 7, labelOverlap: false } }, y2: { field: 'upper' } },
        },
        {
          mark: { type: 'line', color: COLOURS.boundary, strokeDash: [5, 3], strokeWidth: 1.5, point: { filled: true, size: 14, color: COLOURS.boundary }, clip: true },
          encoding: { x, y: { field: 'upper', type: 'quantitative', scale: yScale } },
        },
        {
          mark: { type: 'line', color: COLOURS.boundary, strokeDash: [5, 3], strokeWidth: 1.5, point: { filled: true, size: 14, color: COLOURS.boundary }, clip: true },
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
