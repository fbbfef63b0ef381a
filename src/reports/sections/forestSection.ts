// Subgroup PORT hazard ratios from the monitoring model: forest plot with naive and repeated CIs,
// and the same numbers as a table.
import type { ReportInput } from '../reportInput.ts';
import { forestPlotSvg } from '../charts/forestPlot.ts';
import { formatFraction, formatHrCi, formatInterval } from '../format.ts';
import { exportedCount, printedCount, suppressArms } from '../suppression.ts';
import type { ForestRow } from '../reportInput.ts';
import { htmlTable, num } from '../htmlTable.ts';
import { makeTable } from '../tableData.ts';
import { estimandLabel } from '../vocabulary.ts';
import { figure, paragraph, type Section } from './section.ts';

function armCounts(f: ForestRow, min: number) {
  const n = suppressArms(f.n, min);
  const events = suppressArms(f.events, min);
  return {
    text: (key: 'n' | 'events') => `${printedCount(f[key].ptr, (key === 'n' ? n : events).ptr, min)} / ${printedCount(f[key].port, (key === 'n' ? n : events).port, min)}`,
    cells: [exportedCount(f.n.ptr, n.ptr, min), exportedCount(f.n.port, n.port, min), exportedCount(f.events.ptr, events.ptr, min), exportedCount(f.events.port, events.port, min)],
  };
}

export async function forestSection(input: ReportInput): Promise<Section> {
  const min = input.privacy.smallCellMin;
  const caption =
    'PORT vs PTR alone, monitoring model. Thin line: naive 95% CI (shown, never alerts). Wide band: repeated CI at this look, which keeps the overall error rate across looks (primary estimands, marked *). Diamond: the paper’s published HR.';
  const svg = input.forest.length === 0 ? paragraph('No PORT hazard ratio was estimated at this look.', 'muted') : figure(await forestPlotSvg(input.forest, { smallCellMin: min, description: caption }), caption, { className: 'wide' });
  const table = htmlTable({
    caption: 'PORT hazard ratios by population and endpoint',
    head: [['Estimand', num('Patients PTR / PORT'), num('Events PTR / PORT'), num('HR (95% CI)'), num('Repeated CI'), num('Information fraction'), num('Published HR (95% CI)')]],
    body: input.forest.map((f) => [
      `${estimandLabel(f.population, f.endpoint)}${f.primary ? ' *' : ''}`,
      num(armCounts(f, min).text('n')),
      num(armCounts(f, min).text('events')),
      num(formatHrCi({ hr: f.hr, ...f.naive })),
      num(f.repeated === null ? '' : formatInterval(f.repeated.lower, f.repeated.upper)),
      num(f.informationFraction === null ? '' : formatFraction(f.informationFraction)),
      num(f.published === null ? '' : formatHrCi(f.published)),
    ]),
    notes: [
      ...input.notEstimated.map((x) => `${estimandLabel(x.population, x.endpoint)}: not estimated at this look (${x.reason}).`),
      '* primary estimand of the sequential plan (alpha spent with Lan-DeMets O’Brien-Fleming).', 'Published: Kim YJ et al., Cancer Res Treat 2022;54(2):478-487 (multivariate for the whole cohort, PORT vs no PORT within subgroups).',
    ],
  });
  return {
    id: 'forest',
    title: 'Subgroup PORT hazard ratios',
    html: `${svg}\n${table}`,
    tables: {
      forest: makeTable(
        'PORT hazard ratios (monitoring model) with naive and repeated CIs',
        [
          { name: 'population', type: 'string' },
          { name: 'endpoint', type: 'string' },
          { name: 'primary', type: 'boolean' },
          { name: 'patientsPtr', type: 'count' },
          { name: 'patientsPort', type: 'count' },
          { name: 'eventsPtr', type: 'count' },
          { name: 'eventsPort', type: 'count' },
          { name: 'hr', type: 'number' },
          { name: 'lower', type: 'number' },
          { name: 'upper', type: 'number' },
          { name: 'repeatedLower', type: 'number' },
          { name: 'repeatedUpper', type: 'number' },
          { name: 'informationFraction', type: 'number' },
          { name: 'publishedHr', type: 'number' },
          { name: 'publishedLower', type: 'number' },
          { name: 'publishedUpper', type: 'number' },
          { name: 'naiveNewlyExcludesOne', type: 'boolean' },
        ],
        input.forest.map((f) => [
          f.population,
          f.endpoint,
          f.primary,
          ...armCounts(f, min).cells,
          f.hr,
          f.naive.lower,
          f.naive.upper,
          f.repeated?.lower ?? null,
          f.repeated?.upper ?? null,
          f.informationFraction,
          f.published?.hr ?? null,
          f.published?.lower ?? null,
          f.published?.upper ?? null,
          f.naiveNewlyExcludesOne,
        ]),
      ),
    },
  };
}
