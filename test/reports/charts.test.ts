import { describe, expect, it } from 'vitest';
import { cifPlotSvg, forestPlotSvg, kmPlotSvg, zPathSvg } from '../../src/reports/index.ts';
import { columnStride, visiblePoints } from '../../src/reports/charts/curvePlot.ts';
import { uniquifySvgIds } from '../../src/reports/charts/vegaSvg.ts';
import { DRAW_TOLERANCE, thinSteps } from '../../src/reports/charts/thinSteps.ts';
import { mulberry32 as rng } from '../support/mulberry32.ts';
import { ReportInputError } from '../../src/reports/reportInputError.ts';
import { buildFixture } from './fixture.ts';

const { input } = buildFixture({ seed: 19 });

/** Paths drawn by marks of one kind (vega tags each mark container with its role and type). */
function markPaths(svg: string, type: 'line' | 'area' | 'rule' | 'symbol' | 'text'): string[] {
  const containers = svg.split(`class="mark-${type} role-mark`).slice(1);
  return containers.flatMap((c) => [...c.slice(0, c.indexOf('</g>')).matchAll(/\sd="([^"]+)"|<line |<text[^>]*>([^<]+)</g)].map((m) => m[1] ?? m[2] ?? 'line'));
}

describe('chart functions', () => {
  it('kmPlotSvg draws both arms as step lines with CI bands and a risk table', async () => {
    const km = input.survival[0];
    const svg = await kmPlotSvg(km, { smallCellMin: 11, yTitle: 'Overall survival' });
    expect(svg.startsWith('<svg')).toBe(true);
    const lines = markPaths(svg, 'line');
    expect(lines).toHaveLength(2);
    for (const d of lines) expect(d.split(/[LHV]/).length).toBeGreaterThan(20); // a step function with many steps
    expect(markPaths(svg, 'area')).toHaveLength(2);
    const riskTexts = markPaths(svg, 'text');
    expect(riskTexts).toHaveLength(2 * km.riskTable.times.length);
    expect(riskTexts[0]).toBe(String(km.riskTable.atRisk.ptr[0]));
    expect(svg).toContain('Number at risk');
    expect(svg).toContain('PTR + PORT');
  });

  it('draws a curve whose CI is missing at some steps (R: NA where S = 0)', async () => {
    const km = input.survival[0];
    const arms = km.arms.map((a) => ({ ...a, points: a.points.map((p, i) => (i % 5 === 4 ? { ...p, lower: Number.NaN, upper: Number.NaN } : p)) }));
    const svg = await kmPlotSvg({ ...km, arms }, { smallCellMin: 11, yTitle: 'OS' });
    expect(markPaths(svg, 'area')).toHaveLength(2);
    expect(svg).not.toContain('NaN');
  });

  it('cifPlotSvg draws cumulative incidence rising from 0', async () => {
    const svg = await cifPlotSvg(input.incidence[1], { smallCellMin: 11, yTitle: 'Cumulative incidence of DP' });
    expect(markPaths(svg, 'line')).toHaveLength(2);
    expect(svg).toContain('Cumulative incidence of DP');
  });

  it('forestPlotSvg draws one naive CI and one estimate per row, repeated CIs for primary rows', async () => {
    const svg = await forestPlotSvg(input.forest, { smallCellMin: 11 });
    const primary = input.forest.filter((f) => f.repeated !== null).length;
    const rules = markPaths(svg, 'rule');
    // reference line + repeated CIs + naive CIs + the two rule glyphs of the key
    expect(rules).toHaveLength(1 + primary + input.forest.length + 2);
    expect(svg).toContain('Hazard ratio, PORT vs PTR alone (log scale)');
    expect(svg).toContain('Group 1 · PFS *');
  });

  it('forestPlotSvg draws an unbounded repeated CI to the edge of the axis and prints it as ∞', async () => {
    const row = { ...input.forest[4], repeated: { lower: 0, upper: Infinity } };
    const svg = await forestPlotSvg([row], { smallCellMin: 11 });
    expect(svg).toContain('0.00\u2013\u221e');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('zPathSvg never clips a boundary: the axis reaches the largest finite one', async () => {
    const tall = input.zPaths.map((p) => ({ ...p, looks: p.looks.map((l, k) => ({ ...l, boundary: k === 0 ? Infinity : 11.3 })) }));
    const texts = markPaths(await zPathSvg(tall), 'text');
    expect(texts.length).toBeGreaterThan(0);
    const svg = await zPathSvg(tall);
    expect(svg).toMatch(/>12</);
    expect(svg).not.toContain('clip-path');
  });

  it('zPathSvg draws a panel, saying why, for an estimand not yet estimable', async () => {
    const paths = input.zPaths.map((p, i) => (i === 0 ? { ...p, looks: [], notEstimable: 'fewer than 20 events' } : p));
    const svg = await zPathSvg(paths);
    expect(svg).toContain('not estimable at this look:');
    expect(svg).toContain('fewer than 20 events');
  });

  it('zPathSvg draws one panel per primary estimand with the z path and both boundaries', async () => {
    const svg = await zPathSvg(input.zPaths);
    expect(markPaths(svg, 'line')).toHaveLength(3 * input.zPaths.length);
    for (const label of ['Group 1 · OS', 'Group 3 · PFS']) expect(svg).toContain(label);
  });

  it('gives each chart its own ids, the same on every render', async () => {
    const a = await zPathSvg(input.zPaths.slice(0, 2));
    const b = await zPathSvg(input.zPaths.slice(2, 4));
    const ids = (svg: string) => [...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    // (The z-path panels no longer clip their boundary, so they may carry no id at all.)
    expect(ids(a).filter((id) => ids(b).includes(id))).toEqual([]);
    expect(await zPathSvg(input.zPaths.slice(0, 2))).toBe(a);
    expect(uniquifySvgIds('<g id="clip1"/><g clip-path="url(#clip1)"/>', 'p')).toBe('<g id="p-1"/><g clip-path="url(#p-1)"/>');
  });

  it('prints every other risk-table column when the numbers would collide', async () => {
    expect(columnStride(['176', '<11'], 11, 420)).toBe(1);
    expect(columnStride(['48,123'], 17, 420)).toBe(2);
    const km = input.survival[0];
    const times = Array.from({ length: 17 }, (_, i) => i * 12);
    const wide = { ...km, riskTable: { times, atRisk: { ptr: times.map(() => 48_123), port: times.map(() => 51_007) } } };
    const texts = markPaths(await kmPlotSvg(wide, { smallCellMin: 11, yTitle: 'OS' }), 'text');
    expect(texts).toHaveLength(2 * 9);
    expect(texts[0]).toBe('48,123');
  });

  it('stops a curve at the first step with fewer than smallCellMin at risk, carrying the last estimate', () => {
    const points = [
      { time: 0, estimate: 1, lower: 1, upper: 1, nRisk: 30 },
      { time: 5, estimate: 0.9, lower: 0.8, upper: 0.95, nRisk: 30 },
      { time: 9, estimate: 0.8, lower: 0.7, upper: 0.9, nRisk: 12 },
      { time: 14, estimate: 0.6, lower: 0.4, upper: 0.8, nRisk: 8 },
      { time: 20, estimate: 0.3, lower: 0.1, upper: 0.6, nRisk: 3 },
    ];
    expect(visiblePoints(points, 11).map((p) => [p.time, p.estimate])).toEqual([
      [0, 1],
      [5, 0.9],
      [9, 0.8],
      [14, 0.8],
    ]);
    expect(visiblePoints(points, 50)).toEqual([]);
  });

  it('thins a long step function to the plot resolution without moving it by more than the tolerance', () => {
    const u = rng(99);
    const full = [{ time: 0, estimate: 1, lower: 1, upper: 1, nRisk: 20_000 }];
    for (let i = 1; i < 20_000; i += 1) {
      const estimate = full[i - 1].estimate * (1 - u() * 0.0002);
      full.push({ time: i / 100, estimate, lower: estimate * 0.98, upper: Math.min(1, estimate * 1.02), nRisk: 20_000 - i });
    }
    const thin = thinSteps(full);
    expect(thin.length).toBeLessThan(full.length / 10);
    expect(thin[0]).toBe(full[0]);
    expect(thin.at(-1)).toBe(full.at(-1));
    let k = 0;
    for (const p of full) {
      while (k + 1 < thin.length && thin[k + 1].time <= p.time) k += 1;
      expect(Math.abs(thin[k].estimate - p.estimate)).toBeLessThan(DRAW_TOLERANCE);
      expect(Math.abs(thin[k].lower - p.lower)).toBeLessThan(DRAW_TOLERANCE);
    }
  });

  it('refuses curves and hazard ratios it cannot draw faithfully', async () => {
    const km = input.survival[0];
    const broken = { ...km, arms: [{ ...km.arms[0], points: [{ time: 0, estimate: 1.4, lower: 1, upper: 1, nRisk: 20 }] }] };
    await expect(kmPlotSvg(broken, { smallCellMin: 11, yTitle: 'OS' })).rejects.toThrow(ReportInputError);
    await expect(forestPlotSvg([{ ...input.forest[0], hr: -1 }], { smallCellMin: 11 })).rejects.toThrow('the hazard ratio must be a positive number');
    await expect(forestPlotSvg([{ ...input.forest[0], naive: { lower: 2, upper: 1 } }], { smallCellMin: 11 })).rejects.toThrow(ReportInputError);
  });
});
