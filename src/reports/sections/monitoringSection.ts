// Sequential monitoring: each primary z statistic over all looks against its spending boundary.
import type { ReportInput } from '../reportInput.ts';
import { zPathSvg } from '../charts/zPathPlot.ts';
import { countCell, formatAlpha, formatCount, formatFraction, formatZ } from '../format.ts';
import { htmlTable, num, type HtmlRow } from '../htmlTable.ts';
import { makeTable } from '../tableData.ts';
import { estimandLabel } from '../vocabulary.ts';
import { checkIsoDate } from '../freeText.ts';
import { figure, paragraph, type Section } from './section.ts';

export async function monitoringSection(input: ReportInput): Promise<Section> {
  const min = input.privacy.smallCellMin;
  const caption =
    'z statistic of the PORT log hazard ratio at each look (blue) against the two-sided Lan-DeMets O’Brien-Fleming boundary for the alpha allocated to the estimand (red, dashed); a point outside the shaded band is a boundary crossing. Negative z favours PORT.';
  const notEstimable: HtmlRow[] = input.zPaths.filter((p) => p.notEstimable !== null).map((p) => ({
    cells: [`${estimandLabel(p.population, p.endpoint)}: not estimable at this look (${p.notEstimable ?? ''})`, '', '', '', '', '', ''],
    className: 'group-start muted',
  }));
  const svg = input.zPaths.length === 0 ? paragraph('No primary estimand has been looked at yet.', 'muted') : figure(await zPathSvg(input.zPaths, { description: caption }), caption, { className: 'wide' });
  const rows: HtmlRow[] = input.zPaths.flatMap((path) =>
    path.looks.map((l, i) => {
      const crossed = Math.abs(l.z) >= l.boundary;
      return {
        cells: [
          i === 0 ? `${estimandLabel(path.population, path.endpoint)} (alpha ${formatAlpha(path.alpha)}, ${path.plannedEvents === null ? 'maximum events not computed yet' : `${path.plannedEvents.toLocaleString('en-US')} planned events`})` : '',
          num(String(l.look)),
          num(checkIsoDate('look cutoff', l.cutoff)),
          num(formatCount(l.events, min, 'events')),
          num(formatFraction(l.informationFraction)),
          num(formatZ(l.z), crossed ? 'flag' : undefined),
          num(Number.isFinite(l.boundary) ? `±${formatZ(l.boundary)}` : '\u221e (no alpha spent)'),
        ],
        className: i === 0 ? 'group-start' : '',
      };
    }),
  );
  const table = htmlTable({
    caption: 'Looks at the primary estimands',
    head: [['Estimand', num('Look'), num('Cutoff'), num('Events'), num('Information fraction'), num('z'), num('Boundary')]],
    body: [...rows, ...notEstimable],
    notes: ['Information fraction = events / planned events. Highlighted z: |z| reached the boundary. ∞: the look spent no alpha (information did not grow, or its spending was below 1e-12).'],
  });
  return {
    id: 'monitoring',
    title: 'Sequential monitoring of the primary estimands',
    html: `${svg}\n${table}`,
    tables: {
      'z-paths': makeTable(
        'z statistic and two-sided boundary of each primary estimand at every look',
        [
          { name: 'population', type: 'string' },
          { name: 'endpoint', type: 'string' },
          { name: 'alpha', type: 'number' },
          { name: 'plannedEvents', type: 'count' },
          { name: 'look', type: 'number' },
          { name: 'cutoff', type: 'string' },
          { name: 'events', type: 'count' },
          { name: 'informationFraction', type: 'number' },
          { name: 'z', type: 'number' },
          { name: 'boundary', type: 'number' },
          { name: 'notEstimable', type: 'string' },
        ],
        input.zPaths.flatMap((p) =>
          [
            ...p.looks.map((l) => [p.population, p.endpoint, p.alpha, p.plannedEvents, l.look, checkIsoDate('look cutoff', l.cutoff), countCell(l.events, min), l.informationFraction, l.z, Number.isFinite(l.boundary) ? l.boundary : null, null]),
            ...(p.notEstimable === null ? [] : [[p.population, p.endpoint, p.alpha, p.plannedEvents, null, input.meta.cutoff, null, null, null, null, p.notEstimable]]),
          ],
        ),
      ),
    },
  };
}
