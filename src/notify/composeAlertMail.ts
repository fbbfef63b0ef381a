import { ARM_LABEL, ENDPOINT_SHORT, POPULATION_LABEL } from '../reports/vocabulary.ts';
import type { Endpoint, Population } from '../reports/reportInput.ts';
import { printedCount, suppressRow } from './suppress.ts';

/** One PORT estimate shown in the mail's table (aggregates only). */
export interface MailEstimate {
  readonly population: string;
  readonly endpoint: string;
  readonly primary: boolean;
  readonly hr: number;
  readonly lower: number;
  readonly upper: number;
  readonly repeatedLower: number | null;
  readonly repeatedUpper: number | null;
  readonly z: number;
  readonly boundaryZ: number | null;
  readonly informationFraction: number | null;
  readonly events: number;
  readonly eventsPort: number;
  readonly eventsNoPort: number;
}

export interface AlertMailInput {
  readonly rule: string;
  readonly status: 'fired' | 'held';
  readonly population: string;
  readonly endpoint: string;
  readonly summary: string;
  readonly cutoff: string;
  readonly look: number;
  readonly planVersion: string;
  /** The alerted estimand first, then the other monitored PORT estimates of the look. */
  readonly estimates: readonly MailEstimate[];
  /** Inline SVG forest plot of the look's subgroup PORT HRs (naive and repeated CIs). */
  readonly forestSvg: string;
  readonly smallCellMin: number;
}

export interface AlertMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

// One vocabulary: the report's labels for populations, endpoints and arms.
const populationLabel = (p: string) => POPULATION_LABEL[p as Population] ?? p;
const endpointLabel = (e: string) => ENDPOINT_SHORT[e as Endpoint] ?? e.toUpperCase();
const RULE_LABEL: Readonly<Record<string, string>> = {
  boundary: 'sequential boundary crossed', departure: 'departure from the published HR', drift: 'drift since the last look', validity: 'validity problem',
  state: 'monitoring state changed',
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const f2 = (x: number | null) => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(2));
const ci = (lo: number | null, hi: number | null) => (lo === null || hi === null ? '-' : `${f2(lo)}-${f2(hi)}`);

function estimateCells(e: MailEstimate, min: number): string[] {
  // events = PORT + PTR alone: one small cell hides a complementary one (src/reports/suppression.ts).
  const status = suppressRow(e.events, [e.eventsPort, e.eventsNoPort], min);
  return [
    `${populationLabel(e.population)} ${endpointLabel(e.endpoint)}${e.primary ? ' (primary)' : ''}`,
    f2(e.hr), ci(e.lower, e.upper), ci(e.repeatedLower, e.repeatedUpper), f2(e.z), f2(e.boundaryZ),
    e.informationFraction === null ? '-' : e.informationFraction.toFixed(2),
    printedCount(e.events, status.total, min), printedCount(e.eventsPort, status.parts[0], min), printedCount(e.eventsNoPort, status.parts[1], min),
  ];
}

const HEADER = ['estimand', 'PORT HR', '95% CI (naive)', 'repeated CI', 'z', 'boundary |z|', 'information', 'events', `events ${ARM_LABEL.port}`, `events ${ARM_LABEL.ptr}`];

/**
 * The alert mail: aggregates only (estimand, HRs, CIs, boundary, event counts with small cells
 * suppressed), never a patient id or a patient's event date; the only date is the study cutoff.
 */
export function composeAlertMail(input: AlertMailInput): AlertMail {
  const who = populationLabel(input.population);
  const held = input.status === 'held' ? ' [held]' : '';
  const subject = `[CohortWatch] ${RULE_LABEL[input.rule] ?? input.rule}: PORT ${endpointLabel(input.endpoint)} in ${who}${held} (look ${input.look}, cutoff ${input.cutoff})`;
  const rows = input.estimates.map((e) => estimateCells(e, input.smallCellMin));
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const text = [
    subject.replace('[CohortWatch] ', ''),
    '',
    input.summary,
    '',
    `Plan ${input.planVersion}, look ${input.look}, data cutoff ${input.cutoff}. Two-sided alpha 0.05 split over the primary estimands, Lan-DeMets O'Brien-Fleming spending; the naive 95% CI is shown but never alerts.`,
    `Counts below ${input.smallCellMin} are shown as <${input.smallCellMin}, and where one would follow by subtraction another is shown as ≥${input.smallCellMin}.`,
    '',
    line(HEADER),
    ...rows.map(line),
    '',
    'Aggregates only: this message contains no patient identifiers or patient dates.',
  ].join('\n');
  const th = HEADER.map((h) => `<th style="text-align:left;padding:2px 8px">${escapeHtml(h)}</th>`).join('');
  const trs = rows.map((r, k) => `<tr${k === 0 ? ' style="font-weight:bold"' : ''}>${r.map((c) => `<td style="padding:2px 8px">${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:system-ui,sans-serif;color:#222">
<h2 style="font-size:18px">${escapeHtml(RULE_LABEL[input.rule] ?? input.rule)}: PORT ${escapeHtml(endpointLabel(input.endpoint))} in ${escapeHtml(who)}${escapeHtml(held)}</h2>
<p>${escapeHtml(input.summary)}</p>
<p style="color:#555">Plan ${escapeHtml(input.planVersion)}, look ${input.look}, data cutoff ${escapeHtml(input.cutoff)}. Two-sided alpha 0.05 split over the primary estimands (Lan-DeMets O'Brien-Fleming); the naive 95% CI is shown but never alerts. Counts below ${input.smallCellMin} are shown as &lt;${input.smallCellMin}, and where one would follow by subtraction another is shown as ≥${input.smallCellMin}.</p>
<table style="border-collapse:collapse;font-size:13px"><thead><tr>${th}</tr></thead><tbody>
${trs}
</tbody></table>
<div style="margin-top:12px">${input.forestSvg}</div>
<p style="color:#777;font-size:12px">Aggregates only: this message contains no patient identifiers or patient dates.</p>
</body></html>`;
  return { subject, text, html };
}
