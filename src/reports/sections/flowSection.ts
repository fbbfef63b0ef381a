// Patient and event flow since the last report: who entered and left the analysis dataset, what
// the pipeline received, and how many endpoint events each estimand gained.
import type { Endpoint, ReportInput } from '../reportInput.ts';
import { ENDPOINTS, POPULATIONS } from '../reportInput.ts';
import { MINUS, checkCount, countCell, formatCount, isSmallCell, suppressedText } from '../format.ts';
import { htmlTable, num } from '../htmlTable.ts';
import { makeTable } from '../tableData.ts';
import { ENDPOINT_SHORT, EVENT_TYPE_LABEL, POPULATION_LABEL, labelOf } from '../vocabulary.ts';
import type { Section } from './section.ts';

/** A change in a count, signed, with its magnitude suppressed like any small count. */
export function formatDelta(delta: number, smallCellMin: number): string {
  const magnitude = Math.abs(delta);
  const text = isSmallCell(magnitude, smallCellMin) ? suppressedText(smallCellMin) : magnitude.toLocaleString('en-US');
  return delta > 0 ? `+${text}` : delta < 0 ? `${MINUS}${text}` : '0';
}

function deltaCell(delta: number, smallCellMin: number): number | string {
  const magnitude = Math.abs(delta);
  if (!isSmallCell(magnitude, smallCellMin)) return delta;
  return delta > 0 ? `<${smallCellMin}` : `>-${smallCellMin}`;
}

export function flowSection(input: ReportInput): Section {
  const min = input.privacy.smallCellMin;
  const f = input.flow;
  const c = (n: number, where: string) => formatCount(n, min, where);
  const previousLabel = input.meta.previousCutoff === null ? 'At the previous cutoff (first look)' : `At the previous cutoff (${input.meta.previousCutoff})`;
  const patientRows: [string, number][] = [
    [previousLabel, f.patientsPrevious],
    ['Registrations newly counted', f.newRegistrations],
    ['Patients removed (registration retracted)', f.removedPatients],
    [`At this cutoff (${input.meta.cutoff})`, f.patientsCurrent],
    [POPULATION_LABEL.group1, f.patientsByGroup.group1],
    [POPULATION_LABEL.group2, f.patientsByGroup.group2],
    [POPULATION_LABEL.group3, f.patientsByGroup.group3],
    ['Unclassified (T category or receptor status unknown)', f.patientsByGroup.unclassified],
  ];
  const patientsHtml = htmlTable({
    caption: 'Patients in the analysis dataset',
    head: [['', num('Patients')]],
    body: patientRows.map(([label, n], i) => ({ cells: [label, num(c(n, 'patients'))], className: i === 3 ? 'total' : i > 3 ? 'indent' : '' })),
  });
  const eventsHtml = htmlTable({
    caption: `Follow-up events reported since the previous cutoff`,
    head: [['Event type', num('Received'), num('Applied'), num('Rejected'), num('Conflicting'), num('Retracted')]],
    body: f.eventsByType.map((e) => [
      labelOf(EVENT_TYPE_LABEL, e.type, 'event type'),
      num(c(e.received, 'events received')),
      num(c(e.applied, 'events applied')),
      num(c(e.rejected, 'events rejected')),
      num(c(e.conflicting, 'events conflicting')),
      num(c(e.retracted, 'events retracted')),
    ]),
    notes: ['Rejected: failed validation, never applied. Conflicting: valid but not applied (see Data quality).'],
  });
  const endpointCell = (population: (typeof POPULATIONS)[number], endpoint: Endpoint): string => {
    const row = f.endpointEvents.find((e) => e.population === population && e.endpoint === endpoint);
    if (row === undefined) return '';
    const current = c(row.current, 'endpoint events');
    if (row.previous === null) return current;
    checkCount(row.previous, 'endpoint events');
    return `${current} (${formatDelta(row.current - row.previous, min)})`;
  };
  const endpointHtml = htmlTable({
    caption: 'Endpoint events at this cutoff (change since the previous cutoff)',
    head: [['Population', ...ENDPOINTS.map((e) => num(labelOf(ENDPOINT_SHORT, e, 'endpoint')))]],
    body: POPULATIONS.filter((p) => f.endpointEvents.some((e) => e.population === p)).map((p) => [
      labelOf(POPULATION_LABEL, p, 'population'),
      ...ENDPOINTS.map((e) => num(endpointCell(p, e))),
    ]),
  });
  return {
    id: 'flow',
    title: 'Patient and event flow',
    html: `<div class="grid-2">${patientsHtml}${endpointHtml}</div>${eventsHtml}`,
    tables: {
      'flow-patients': makeTable(
        'Patients in the analysis dataset',
        [
          { name: 'measure', type: 'string' },
          { name: 'patients', type: 'count' },
        ],
        [
          ['previous', countCell(f.patientsPrevious, min)],
          ['newRegistrations', countCell(f.newRegistrations, min)],
          ['removed', countCell(f.removedPatients, min)],
          ['current', countCell(f.patientsCurrent, min)],
          ['group1', countCell(f.patientsByGroup.group1, min)],
          ['group2', countCell(f.patientsByGroup.group2, min)],
          ['group3', countCell(f.patientsByGroup.group3, min)],
          ['unclassified', countCell(f.patientsByGroup.unclassified, min)],
        ],
      ),
      'flow-events': makeTable(
        'Follow-up events reported since the previous cutoff, by type',
        [
          { name: 'type', type: 'string' },
          { name: 'received', type: 'count' },
          { name: 'applied', type: 'count' },
          { name: 'rejected', type: 'count' },
          { name: 'conflicting', type: 'count' },
          { name: 'retracted', type: 'count' },
        ],
        f.eventsByType.map((e) => [e.type, countCell(e.received, min), countCell(e.applied, min), countCell(e.rejected, min), countCell(e.conflicting, min), countCell(e.retracted, min)]),
      ),
      'flow-endpoint-events': makeTable(
        'Endpoint events per population and endpoint at the previous and this cutoff',
        [
          { name: 'population', type: 'string' },
          { name: 'endpoint', type: 'string' },
          { name: 'previous', type: 'count' },
          { name: 'current', type: 'count' },
          { name: 'change', type: 'string' },
        ],
        f.endpointEvents.map((e) => [
          e.population,
          e.endpoint,
          e.previous === null ? null : countCell(e.previous, min),
          countCell(e.current, min),
          e.previous === null ? null : String(deltaCell(e.current - e.previous, min)),
        ]),
      ),
    },
  };
}
