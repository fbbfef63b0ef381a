// Data quality: overdue follow-up, missing covariates, rejected and conflicting events, and
// completeness by reporting centre.
import type { ReportInput } from '../reportInput.ts';
import { checkCount, countCell, formatCount, formatCountPercent, formatPercent, isSmallCell } from '../format.ts';
import { complementCell, complementText, exportedCount, printedCount, suppressCounts } from '../suppression.ts';
import { baselineCounts } from '../baselineCounts.ts';
import { scrubFreeText } from '../freeText.ts';
import { htmlTable, num } from '../htmlTable.ts';
import { makeTable } from '../tableData.ts';
import { CONFLICT_REASON_LABEL, REJECTION_REASON_LABEL, covariateLabel, labelOf } from '../vocabulary.ts';
import { paragraph, type Section } from './section.ts';

export const CENTRE_LABEL_MAX = 32;

export function dataQualitySection(input: ReportInput): Section {
  const min = input.privacy.smallCellMin;
  const dq = input.dataQuality;
  const o = dq.overdueFollowUp;
  checkCount(o.ofPatients, 'overdue follow-up denominator');
  const overdue = paragraph(
    `Overdue follow-up: ${formatCount(o.patients, min, 'overdue patients')} of ${formatCount(o.ofPatients, min, 'patients')} patients${isSmallCell(o.patients, min) || o.ofPatients === 0 ? '' : ` (${formatPercent(o.patients / o.ofPatients)}%)`} are alive and have not been seen in the ${o.overdueAfterMonths} months before the cutoff.`,
    'lead',
  );
  const decided = baselineCounts(input);
  const missing = htmlTable({
    caption: 'Missing baseline covariates',
    head: [['Covariate', num('Missing, n (%)')]],
    // Table 1's missing counts of both arms add up to these: one decision over all of them.
    body: dq.missingCovariates.map((m) => [covariateLabel(m.covariate), num(decided.missing(m.covariate) === 'complement' ? complementText(min) : formatCountPercent(m.missing, m.ofPatients, min, 'missing'))]),
  });
  const rejected = htmlTable({
    caption: 'Rejected events (failed validation, never applied)',
    head: [['Reason', num('Since previous cutoff'), num('Total')]],
    body: dq.rejectedEvents.map((r) => [labelOf(REJECTION_REASON_LABEL, r.reason, 'rejection reason'), num(formatCount(r.sincePrevious, min, 'rejected')), num(formatCount(r.total, min, 'rejected'))]),
  });
  const conflicting = htmlTable({
    caption: 'Conflicting events (valid but not applied)',
    head: [['Reason', num('Since previous cutoff'), num('Total')]],
    body: dq.conflictingEvents.map((r) => [labelOf(CONFLICT_REASON_LABEL, r.reason, 'conflict reason'), num(formatCount(r.sincePrevious, min, 'conflicting')), num(formatCount(r.total, min, 'conflicting'))]),
  });
  // The centres' patients add up to the patients at this cutoff (printed in the flow section).
  const centrePatients = dq.centres.map((c) => checkCount(c.patients, 'centre patients'));
  const centreStatus = suppressCounts({ cells: [centrePatients.reduce((a, b) => a + b, 0), ...centrePatients], relations: [centrePatients.map((_, i) => i + 1).concat(0)], fixed: [0] }, min).slice(1);
  const centres = htmlTable({
    caption: 'Completeness by reporting centre',
    head: [['Centre', num('Patients'), num('All model covariates, n (%)'), num('Follow-up current, n (%)')]],
    body: dq.centres.map((c, i) => [
      scrubFreeText(c.centreLabel, CENTRE_LABEL_MAX),
      num(printedCount(c.patients, centreStatus[i], min)),
      // A percentage of a hidden total would give the total away.
      num(centreStatus[i] === 'shown' ? formatCountPercent(c.completeCovariates, c.patients, min, 'complete covariates') : formatCount(c.completeCovariates, min, 'complete covariates')),
      num(centreStatus[i] === 'shown' ? formatCountPercent(c.currentFollowUp, c.patients, min, 'current follow-up') : formatCount(c.currentFollowUp, min, 'current follow-up')),
    ]),
    notes: [`Follow-up current: seen, or known dead, within the ${o.overdueAfterMonths} months before the cutoff.`],
  });
  return {
    id: 'data-quality',
    title: 'Data quality',
    html: `${overdue}<div class="grid-2">${missing}${centres}</div><div class="grid-2">${rejected}${conflicting}</div>`,
    tables: {
      'dq-overdue': makeTable(
        'Patients alive and not seen within the overdue window before the cutoff',
        [
          { name: 'overdueAfterMonths', type: 'number' },
          { name: 'patients', type: 'count' },
          { name: 'ofPatients', type: 'count' },
        ],
        [[o.overdueAfterMonths, countCell(o.patients, min), countCell(o.ofPatients, min)]],
      ),
      'dq-missing-covariates': makeTable(
        'Patients with a baseline covariate missing',
        [
          { name: 'covariate', type: 'string' },
          { name: 'missing', type: 'count' },
          { name: 'ofPatients', type: 'count' },
        ],
        dq.missingCovariates.map((m) => [m.covariate, decided.missing(m.covariate) === 'complement' ? complementCell(min) : countCell(m.missing, min), countCell(m.ofPatients, min)]),
      ),
      'dq-rejected-events': makeTable(
        'Rejected events by reason',
        [
          { name: 'reason', type: 'string' },
          { name: 'sincePrevious', type: 'count' },
          { name: 'total', type: 'count' },
        ],
        dq.rejectedEvents.map((r) => [r.reason, countCell(r.sincePrevious, min), countCell(r.total, min)]),
      ),
      'dq-conflicting-events': makeTable(
        'Conflicting events by reason',
        [
          { name: 'reason', type: 'string' },
          { name: 'sincePrevious', type: 'count' },
          { name: 'total', type: 'count' },
        ],
        dq.conflictingEvents.map((r) => [r.reason, countCell(r.sincePrevious, min), countCell(r.total, min)]),
      ),
      'dq-centres': makeTable(
        'Completeness by reporting centre',
        [
          { name: 'centre', type: 'string' },
          { name: 'patients', type: 'count' },
          { name: 'completeCovariates', type: 'count' },
          { name: 'currentFollowUp', type: 'count' },
        ],
        dq.centres.map((c, i) => [scrubFreeText(c.centreLabel, CENTRE_LABEL_MAX) || null, exportedCount(c.patients, centreStatus[i], min), countCell(c.completeCovariates, min), countCell(c.currentFollowUp, min)]),
      ),
    },
  };
}
