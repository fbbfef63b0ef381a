// Patient and event flow since the last report: who entered and left the analysis dataset, what
// the pipeline received, and how many endpoint events each estimand gained.
import type { Endpoint, ReportInput } from '../reportInput.ts';
import { ENDPOINTS, POPULATIONS } from '../reportInput.ts';
import { MINUS, checkCount, isSmallCell } from '../format.ts';
import { exportedCount, printedCount, suppressCounts } from '../suppression.ts';
import type { CellStatus } from '../suppression.ts';
import { htmlTable, num } from '../htmlTable.ts';
import { makeTable } from '../tableData.ts';
import { ENDPOINT_SHORT, EVENT_TYPE_LABEL, POPULATION_LABEL, labelOf } from '../vocabulary.ts';
import type { Section } from './section.ts';

/** A change in a count, signed, with its magnitude suppressed like any small count. */
export function formatDelta(delta: number, smallCellMin: number, status: CellStatus = isSmallCell(Math.abs(delta), smallCellMin) ? 'small' : 'shown'): string {
  const text = printedCount(Math.abs(delta), status, smallCellMin);
  return delta > 0 ? `+${text}` : delta < 0 ? `${MINUS}${text}` : '0';
}

function deltaCell(delta: number, smallCellMin: number, status: CellStatus): number | string {
  if (status === 'shown') return delta;
  const bound = status === 'small' ? `<${smallCellMin}` : `>=${smallCellMin}`;
  return delta > 0 ? `+${bound}` : `-${bound}`;
}

/** Statuses of counts bound by relations (index sets); every count is checked first. */
function suppressed(cells: readonly number[], relations: readonly (readonly number[])[], min: number, where: string, fixed: readonly number[] = []): CellStatus[] {
  cells.forEach((n) => checkCount(n, where));
  return suppressCounts({ cells, relations, fixed }, min);
}

export function flowSection(input: ReportInput): Section {
  const min = input.privacy.smallCellMin;
  const f = input.flow;
  // current = previous + new − removed; current = the sum of the subgroups.
  const patientCells = [f.patientsPrevious, f.newRegistrations, f.removedPatients, f.patientsCurrent, f.patientsByGroup.group1, f.patientsByGroup.group2, f.patientsByGroup.group3, f.patientsByGroup.unclassified];
  // The patients at this cutoff and per group are printed in full elsewhere (follow-up, data quality):
  // fixed, so a complement is never one of them (a hidden copy would be undone by the other tables).
  const patientStatus = suppressed(patientCells, [[0, 1, 2, 3], [3, 4, 5, 6, 7]], min, 'patients', [3, 4, 5, 6]);
  // received = applied + rejected + conflicting + retracted, per event type.
  const eventStatus = f.eventsByType.map((e) => suppressed([e.received, e.applied, e.rejected, e.conflicting, e.retracted], [[0, 1, 2, 3, 4]], min, 'events'));
  const eventCell = (k: number, j: number, n: number) => printedCount(n, eventStatus[k][j], min);
  // current = previous + change.
  const endpointStatus = f.endpointEvents.map((e) => (e.previous === null
    ? suppressed([e.current], [], min, 'endpoint events')
    // Both looks' event counts are printed in full elsewhere (the digests, the models, the monitoring
    // tables): fixed, and the change between them is then public by subtraction (printed as it is).
    : suppressed([e.previous, e.current, Math.abs(e.current - e.previous)], [[0, 1, 2]], min, 'endpoint events', [0, 1])));
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
    body: patientRows.map(([label, n], i) => ({ cells: [label, num(printedCount(n, patientStatus[i], min))], className: i === 3 ? 'total' : i > 3 ? 'indent' : '' })),
  });
  const eventsHtml = htmlTable({
    caption: `Follow-up events reported since the previous cutoff`,
    head: [['Event type', num('Received'), num('Applied'), num('Rejected'), num('Conflicting'), num('Retracted')]],
    body: f.eventsByType.map((e, k) => [
      labelOf(EVENT_TYPE_LABEL, e.type, 'event type'),
      num(eventCell(k, 0, e.received)),
      num(eventCell(k, 1, e.applied)),
      num(eventCell(k, 2, e.rejected)),
      num(eventCell(k, 3, e.conflicting)),
      num(eventCell(k, 4, e.retracted)),
    ]),
    notes: [
      'Events reported since the previous cutoff, as they stand at this cutoff: received = applied + rejected + conflicting + retracted.',
      'Applied: counted in (or, for a retraction or a corrected registration, taking effect on) a patient\'s timeline. Rejected: failed validation, never stored. Conflicting: valid but not applied (see Data quality). Retracted: stored, then withdrawn by a retraction.',
      `≥${min}: hidden so that a count below ${min} cannot be recovered by subtraction.`,
    ],
  });
  const endpointCell = (population: (typeof POPULATIONS)[number], endpoint: Endpoint): string => {
    const k = f.endpointEvents.findIndex((e) => e.population === population && e.endpoint === endpoint);
    if (k < 0) return '';
    const row = f.endpointEvents[k];
    const status = endpointStatus[k];
    if (row.previous === null) return printedCount(row.current, status[0], min);
    return `${printedCount(row.current, status[1], min)} (${formatDelta(row.current - row.previous, min, status[2])})`;
  };
  const endpointHtml = htmlTable({
    caption: 'Endpoint events at this cutoff (change since the previous cutoff)',
    head: [['Population', ...ENDPOINTS.map((e) => num(labelOf(ENDPOINT_SHORT, e, 'endpoint')))]],
    body: POPULATIONS.filter((p) => f.endpointEvents.some((e) => e.population === p)).map((p) => [
      labelOf(POPULATION_LABEL, p, 'population'),
      ...ENDPOINTS.map((e) => num(endpointCell(p, e))),
    ]),
    notes: ['The change is printed as it is: both cutoffs\' counts are published in full (monitoring tables, mail).'],
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
        ['previous', 'newRegistrations', 'removed', 'current', 'group1', 'group2', 'group3', 'unclassified'].map((measure, i) => [measure, exportedCount(patientCells[i], patientStatus[i], min)]),
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
        f.eventsByType.map((e, k) => [e.type, ...[e.received, e.applied, e.rejected, e.conflicting, e.retracted].map((n, j) => exportedCount(n, eventStatus[k][j], min))]),
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
        f.endpointEvents.map((e, k) => [
          e.population,
          e.endpoint,
          e.previous === null ? null : exportedCount(e.previous, endpointStatus[k][0], min),
          e.previous === null ? exportedCount(e.current, endpointStatus[k][0], min) : exportedCount(e.current, endpointStatus[k][1], min),
          e.previous === null ? null : String(deltaCell(e.current - e.previous, min, endpointStatus[k][2])),
        ]),
      ),
    },
  };
}
