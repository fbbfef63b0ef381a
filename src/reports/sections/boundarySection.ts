// rpact-style boundary table per primary estimand: looks so far, then the looks the design still plans.
import type { BoundaryTable, ReportInput } from '../reportInput.ts';
import { countCell, formatAlpha, formatCount, formatFraction, formatZ } from '../format.ts';
import { htmlTable, num, type HtmlRow } from '../htmlTable.ts';
import { makeTable } from '../tableData.ts';
import { estimandLabel } from '../vocabulary.ts';
import { paragraph, type Section } from './section.ts';

const hr = (x: number | null) => (x === null ? '-' : x.toFixed(2));
const alpha = (x: number) => (x === 0 ? '0' : x.toExponential(2));

function rows(table: BoundaryTable, min: number): HtmlRow[] {
  return table.rows.map((r) => ({
    cells: [
      r.look === null ? 'planned' : String(r.look), r.cutoff ?? '',
      num(r.look === null ? `~${Math.round(r.events)}` : formatCount(r.events, min, 'events')),
      num(formatFraction(r.informationFraction)), num(alpha(r.alphaSpent)),
      num(r.boundaryZ === null ? '-' : `±${formatZ(r.boundaryZ)}`),
      num(`${hr(r.boundaryHrLower)} / ${hr(r.boundaryHrUpper)}`),
      num(formatZ(r.z)), num(hr(r.hr)), r.state ?? '',
    ],
    className: r.look === null ? 'muted' : '',
  }));
}

export function boundarySection(input: ReportInput): Section {
  const min = input.privacy.smallCellMin;
  const tables = input.boundaryTables ?? [];
  const html = tables.length === 0
    ? paragraph('No boundary table: no primary estimand has been looked at under monitoring plan v2 yet.', 'muted')
    : tables.map((t) => htmlTable({
      caption: `${estimandLabel(t.population, t.endpoint)}: ${t.state}${t.side ? ` (${t.side})` : ''}; alpha ${formatAlpha(t.alpha)}, maximum ${t.maxEvents === null ? 'by calendar time' : `${t.maxEvents} events`}`,
      head: [['Look', 'Cutoff', num('Events'), num('Information'), num('Cumulative alpha spent'), num('Boundary z'), num('Boundary HR (benefit / harm)'), num('z'), num('HR'), 'State']],
      body: rows(t, min),
      notes: ['Two-sided Lan-DeMets O’Brien-Fleming boundaries given the boundaries actually used; planned looks at the design’s spending times, events projected, boundary HR at the projected se. A look that spends nothing has no boundary (-).'],
    })).join('\n');
  return {
    id: 'boundaries',
    title: 'Boundary tables of the primary estimands',
    html,
    tables: {
      'boundary-tables': makeTable(
        'Per primary estimand: every look so far and the planned ones, with boundary, cumulative alpha and state',
        [
          { name: 'population', type: 'string' }, { name: 'endpoint', type: 'string' }, { name: 'look', type: 'number' },
          { name: 'cutoff', type: 'string' }, { name: 'events', type: 'count' }, { name: 'informationFraction', type: 'number' },
          { name: 'alphaSpent', type: 'number' }, { name: 'boundaryZ', type: 'number' }, { name: 'boundaryHrLower', type: 'number' },
          { name: 'boundaryHrUpper', type: 'number' }, { name: 'z', type: 'number' }, { name: 'hr', type: 'number' }, { name: 'state', type: 'string' },
        ],
        tables.flatMap((t) => t.rows.map((r) => [
          t.population, t.endpoint, r.look, r.cutoff, r.look === null ? Math.round(r.events) : countCell(r.events, min), r.informationFraction,
          r.alphaSpent, r.boundaryZ, r.boundaryHrLower, r.boundaryHrUpper, r.z, r.hr, r.state,
        ])),
      ),
    },
  };
}
