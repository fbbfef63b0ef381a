// The alerts raised at this look, each with the evidence that triggered it, and the naive signals
// (a 95% CI newly excluding 1) that are shown for information but never alert.
import type { ReportAlert, ReportInput } from '../reportInput.ts';
import { escapeHtml } from '../escape.ts';
import { checkIdentifier } from '../freeText.ts';
import { checkCount, formatFraction, formatHr, formatHrCi, formatInterval, formatZ } from '../format.ts';
import { exportedCount, printedCount, suppressArms } from '../suppression.ts';
import { htmlTable, num } from '../htmlTable.ts';
import { makeTable } from '../tableData.ts';
import { ALERT_KIND_LABEL, ENDPOINT_LABEL, POPULATION_LABEL, VALIDITY_REASON_LABEL, estimandLabel, labelOf } from '../vocabulary.ts';
import { paragraph, type Section } from './section.ts';

/** "HR 0.55 (0.40–0.76)", or why it was not computed. */
function hrText(e: ReportAlert['evidence']): string {
  return e.hr === null || e.naive === null ? `HR not computed (${e.notComputed ?? 'no estimate'})` : `HR ${formatHrCi({ hr: e.hr, ...e.naive })}`;
}

/** One sentence saying why the alert fired, from its evidence only; a value not computed says so. */
export function alertSentence(alert: ReportAlert, smallCellMin: number): string {
  const e = alert.evidence;
  const arms = e.events === null ? null : suppressArms(e.events, smallCellMin);
  const events = e.events === null || arms === null ? 'events per arm not computed' : `${printedCount(checkCount(e.events.ptr, 'alert events'), arms.ptr, smallCellMin)} / ${printedCount(checkCount(e.events.port, 'alert events'), arms.port, smallCellMin)} events (PTR alone / PORT)`;
  const rci = e.repeated === null ? '' : `; repeated CI ${formatInterval(e.repeated.lower, e.repeated.upper)}`;
  const z = (x: number | null) => (x === null ? 'not computed' : formatZ(x));
  switch (alert.kind) {
    case 'boundaryCrossing':
      return `z = ${z(e.z)} reached the spending boundary ±${z(e.boundary)} at information fraction ${e.informationFraction === null ? 'not computed' : formatFraction(e.informationFraction)}${rci}, which now excludes 1; ${hrText(e)}; ${events}.`;
    case 'departureFromPublished':
      return `The repeated CI${e.repeated === null ? '' : ` ${formatInterval(e.repeated.lower, e.repeated.upper)}`} now excludes the published HR ${e.publishedHr === null ? '(not recorded)' : formatHr(e.publishedHr)}; ${hrText(e)}; ${events}.`;
    case 'drift':
      return `The change since the last reported look has z = ${z(e.driftZ)}, beyond the threshold ${z(e.driftThreshold)}; ${hrText(e)}${rci}; ${events}.`;
    case 'validity':
      return `Effect alerts are held while: ${e.validityReasons.map((r) => labelOf(VALIDITY_REASON_LABEL, r, 'validity reason')).join('; ') || 'unspecified'}. ${hrText(e)}; ${events}.`;
  }
}

function alertCard(alert: ReportAlert, smallCellMin: number): string {
  const kind = labelOf(ALERT_KIND_LABEL, alert.kind, 'alert kind');
  const where = `${labelOf(POPULATION_LABEL, alert.population, 'population')} · ${labelOf(ENDPOINT_LABEL, alert.endpoint, 'endpoint')}`;
  const id = checkIdentifier('alert id', alert.alertId);
  return `<article class="alert alert-${escapeHtml(alert.kind)}"><header><span class="badge">${escapeHtml(kind)}</span> <strong>${escapeHtml(where)}</strong> <span class="alert-id">alert ${escapeHtml(id)}</span></header>${paragraph(alertSentence(alert, smallCellMin))}</article>`;
}

export function alertsSection(input: ReportInput): Section {
  const min = input.privacy.smallCellMin;
  const cards = input.alerts.length === 0 ? paragraph('No alert at this look.', 'muted') : input.alerts.map((a) => alertCard(a, min)).join('\n');
  const naive = input.forest.filter((f) => f.naiveNewlyExcludesOne);
  const naiveHtml =
    naive.length === 0
      ? ''
      : htmlTable({
          caption: 'Naive signals (for information only: a 95% CI newly excluding 1 is not an alert)',
          head: [['Estimand', num('HR (95% CI)')]],
          body: naive.map((f) => [estimandLabel(f.population, f.endpoint), num(formatHrCi({ hr: f.hr, ...f.naive }))]),
        });
  const table = makeTable(
    'Alerts raised at this look, with their evidence',
    [
      { name: 'alertId', type: 'string' },
      { name: 'kind', type: 'string' },
      { name: 'population', type: 'string' },
      { name: 'endpoint', type: 'string' },
      { name: 'hr', type: 'number' },
      { name: 'lower', type: 'number' },
      { name: 'upper', type: 'number' },
      { name: 'repeatedLower', type: 'number' },
      { name: 'repeatedUpper', type: 'number' },
      { name: 'z', type: 'number' },
      { name: 'boundary', type: 'number' },
      { name: 'informationFraction', type: 'number' },
      { name: 'eventsPtr', type: 'count' },
      { name: 'eventsPort', type: 'count' },
      { name: 'driftZ', type: 'number' },
      { name: 'driftThreshold', type: 'number' },
      { name: 'publishedHr', type: 'number' },
      { name: 'validityReasons', type: 'string' },
      { name: 'notComputed', type: 'string' },
    ],
    input.alerts.map((a) => {
      const e = a.evidence;
      return [
        checkIdentifier('alert id', a.alertId),
        a.kind,
        a.population,
        a.endpoint,
        e.hr,
        e.naive?.lower ?? null,
        e.naive?.upper ?? null,
        e.repeated?.lower ?? null,
        e.repeated?.upper ?? null,
        e.z,
        e.boundary,
        e.informationFraction,
        e.events === null ? null : exportedCount(e.events.ptr, suppressArms(e.events, min).ptr, min),
        e.events === null ? null : exportedCount(e.events.port, suppressArms(e.events, min).port, min),
        e.driftZ,
        e.driftThreshold,
        e.publishedHr,
        e.validityReasons.length === 0 ? null : e.validityReasons.join(' '),
        e.notComputed,
      ];
    }),
  );
  return {
    id: 'alerts',
    title: 'Alerts at this look',
    html: `${cards}\n${naiveHtml}`,
    tables: { alerts: table },
  };
}
