// The look's digest to one investigator: what a clinician reads first, the technical evidence below.
import { estimandTitle, signalWords } from '../analysis/signals/index.ts';
import type { AuditAction, SignalEvidence, SignalRule } from '../analysis/signals/index.ts';
import type { EndpointId, PopulationId } from '../analysis/plan.ts';
import { printedCount, suppressRow } from './suppress.ts';
import { ARM_LABEL, ENDPOINT_SHORT, POPULATION_SHORT } from '../reports/vocabulary.ts';

export interface DigestSignal {
  readonly id: number;
  readonly population: PopulationId;
  readonly endpoint: EndpointId;
  readonly rule: SignalRule;
  /** What this look did: opened, updated (new evidence, still open), reopened. */
  readonly action: AuditAction;
  readonly evidence: SignalEvidence;
}

export interface DigestAwaiting {
  readonly id: number;
  readonly population: PopulationId;
  readonly endpoint: EndpointId;
  readonly rule: SignalRule;
  readonly openedAtCutoff: string;
  /** Whole days since it was last opened or reopened. */
  readonly daysOpen: number;
  /** Escalated at this look: open and unacknowledged past SIGNAL_REMINDER_DAYS. */
  readonly reminder: boolean;
}

/** One row of the forest table: a monitored PORT estimate of the look (aggregates only). */
export interface DigestEstimate {
  readonly population: PopulationId;
  readonly endpoint: EndpointId;
  readonly primary: boolean;
  readonly hr: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly repeatedLower: number | null;
  readonly repeatedUpper: number | null;
  readonly events: number;
  readonly eventsPort: number;
  readonly eventsPtr: number;
  /** Why there is no HR (not estimable), when there is none. */
  readonly note: string | null;
}

export interface DigestInput {
  readonly look: number;
  readonly cutoff: string;
  readonly planVersion: string;
  /** New, reopened and updated effect signals (boundary, departure, drift). */
  readonly signals: readonly DigestSignal[];
  /** Signals of monitoring state changes at this look. */
  readonly stateChanges: readonly DigestSignal[];
  readonly awaiting: readonly DigestAwaiting[];
  /** Estimands (of this investigator) whose effect alerts a validity problem holds at this look. */
  readonly holds: number;
  readonly estimates: readonly DigestEstimate[];
  /** REPORT_BASE_URL, when set: the look's report is linked. */
  readonly reportBaseUrl: string | null;
  readonly smallCellMin: number;
}

export interface Digest {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const RULE_LABEL: Readonly<Record<SignalRule, string>> = {
  boundary: 'sequential boundary crossed', departure: 'departure from the published HR', drift: 'drift since the previous look', state: 'monitoring state changed',
};
const ACTION_LABEL: Partial<Record<AuditAction, string>> = { opened: 'new', reopened: 'reopened', updated: 'new evidence' };


const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const f2 = (x: number | null) => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(2));
const ci = (lo: number | null, hi: number | null) => (lo === null || hi === null ? '-' : `${f2(lo)}-${f2(hi)}`);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The look's report, when REPORT_BASE_URL is set (the dashboard serves /looks/CUTOFF/report.html). */
export const reportLink = (base: string | null, cutoff: string) => (base === null ? null : `${base.replace(/\/+$/, '')}/looks/${cutoff}/report.html`);

/** True when the digest has something new for its reader: a signal, a state change or a reminder. */
export function digestHasNews(input: Pick<DigestInput, 'signals' | 'stateChanges' | 'awaiting'>): boolean {
  return input.signals.length > 0 || input.stateChanges.length > 0 || input.awaiting.some((a) => a.reminder);
}

function technical(e: SignalEvidence, min: number): string {
  const counts = e.events === null || e.eventsPort === null || e.eventsNoPort === null ? null : suppressRow(e.events, [e.eventsPort, e.eventsNoPort], min);
  const events = counts === null || e.events === null || e.eventsPort === null || e.eventsNoPort === null
    ? 'events not computed'
    : `events ${printedCount(e.events, counts.total, min)} (${ARM_LABEL.port} ${printedCount(e.eventsPort, counts.parts[0], min)}, ${ARM_LABEL.ptr} ${printedCount(e.eventsNoPort, counts.parts[1], min)})`;
  return [
    `z ${f2(e.z)}`, `boundary |z| ${f2(e.boundaryZ)}`, `information ${f2(e.informationFraction)}`,
    `naive 95% CI ${ci(e.lower, e.upper)}`, events, `rule: ${e.summary.replace(/\.+$/, '')}`,
  ].join('; ');
}

interface Block { heading: string; lines: string[] }

function signalBlock(s: DigestSignal, min: number): Block {
  const w = signalWords(s.population, s.endpoint, s.rule, s.evidence);
  const lines = [w.finding, `What it means: ${w.meaning}`, `What you are asked to do: ${w.ask.replace('ID', String(s.id))}`, w.when];
  if (s.evidence.holds.length > 0) lines.push(`Held by a validity problem: ${s.evidence.holds.join('; ')}.`);
  lines.push(`Evidence: ${technical(s.evidence, min)}.`);
  return { heading: `Signal #${s.id} (${ACTION_LABEL[s.action] ?? s.action}): ${estimandTitle(s.population, s.endpoint)}, ${RULE_LABEL[s.rule]}`, lines };
}

function awaitingLine(a: DigestAwaiting): string {
  return `Signal #${a.id}: ${estimandTitle(a.population, a.endpoint)}, ${RULE_LABEL[a.rule]}; opened at the look of cutoff ${a.openedAtCutoff}, unacknowledged for ${plural(a.daysOpen, 'day')}${a.reminder ? ' - REMINDER: please acknowledge it or close it with a decision' : ''}.`;
}

const TABLE_HEADER = ['Estimand', 'PORT HR', 'Repeated CI', '95% CI (naive)', 'Events', ARM_LABEL.port, ARM_LABEL.ptr];

function tableRows(estimates: readonly DigestEstimate[], min: number): string[][] {
  return estimates.map((e) => {
    const s = suppressRow(e.events, [e.eventsPort, e.eventsPtr], min);
    return [
      `${POPULATION_SHORT[e.population]} ${ENDPOINT_SHORT[e.endpoint]}${e.primary ? ' (primary)' : ''}`,
      e.hr === null ? `not computed${e.note ? `: ${e.note}` : ''}` : f2(e.hr), ci(e.repeatedLower, e.repeatedUpper), ci(e.lower, e.upper),
      printedCount(e.events, s.total, min), printedCount(e.eventsPort, s.parts[0], min), printedCount(e.eventsPtr, s.parts[1], min),
    ];
  });
}

/**
 * One investigator's digest of one look: new and reopened signals, then state changes, then open
 * signals awaiting acknowledgement, then the number of validity holds; the forest plot as a table
 * (mail clients strip inline SVG). Aggregates only: no patient id, no date but the cutoff and when a
 * signal was opened.
 */
export function composeDigest(input: DigestInput): Digest {
  const min = input.smallCellMin;
  const parts = [
    input.signals.length > 0 ? plural(input.signals.length, 'signal') : null,
    input.stateChanges.length > 0 ? plural(input.stateChanges.length, 'state change') : null,
    input.awaiting.some((a) => a.reminder) ? plural(input.awaiting.filter((a) => a.reminder).length, 'reminder') : null,
  ].filter((p): p is string => p !== null);
  const subject = `[CohortWatch] Look ${input.look} (data cutoff ${input.cutoff}): ${parts.join(', ')}`;
  const link = reportLink(input.reportBaseUrl, input.cutoff);
  const sections: { title: string; blocks: Block[] }[] = [];
  if (input.signals.length > 0) sections.push({ title: 'New and reopened signals', blocks: input.signals.map((s) => signalBlock(s, min)) });
  if (input.stateChanges.length > 0) sections.push({ title: 'Monitoring state changes', blocks: input.stateChanges.map((s) => signalBlock(s, min)) });
  if (input.awaiting.length > 0) sections.push({ title: 'Open signals awaiting acknowledgement', blocks: [{ heading: '', lines: input.awaiting.map(awaitingLine) }] });
  const holdsLine = `Validity holds: ${input.holds === 0 ? 'none' : `${plural(input.holds, 'estimand')} of yours ${input.holds === 1 ? 'has' : 'have'} effect alerts held by a validity problem at this look`}.`;
  const rows = tableRows(input.estimates, min);
  const widths = TABLE_HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const footer = [
    `Counts below ${min} are shown as <${min}, and where one would follow by subtraction another is shown as \u2265${min}.`,
    'Repeated CIs keep their level over all looks (Lan-DeMets O\'Brien-Fleming spending of the estimand\'s alpha); the naive 95% CI never alerts.',
    'Aggregates only: this message contains no patient identifiers or patient dates.',
  ];

  const text = [
    `CohortWatch: look ${input.look}, data cutoff ${input.cutoff}, plan ${input.planVersion}`,
    ...sections.flatMap((s) => ['', s.title.toUpperCase(), ...s.blocks.flatMap((b) => [...(b.heading ? ['', b.heading] : []), ...b.lines.map((l) => (b.heading ? `  ${l}` : `- ${l}`))])]),
    '', holdsLine,
    ...(link ? ['', `The look's report: ${link}`] : []),
    '', 'PORT HAZARD RATIOS AT THIS LOOK (monitoring model)', line(TABLE_HEADER), ...rows.map(line),
    '', ...footer,
  ].join('\n');

  const p = (s: string, style = '') => `<p${style ? ` style="${style}"` : ''}>${escapeHtml(s)}</p>`;
  const htmlSections = sections.map((s) => `<h3 style="font-size:16px;margin-top:20px">${escapeHtml(s.title)}</h3>\n${s.blocks.map((b) => (b.heading
    ? `<div style="margin:8px 0 14px 0"><p style="font-weight:bold;margin:4px 0">${escapeHtml(b.heading)}</p>${p(b.lines[0], 'font-size:15px;margin:4px 0')}${b.lines.slice(1, -1).map((l) => p(l, 'margin:4px 0')).join('')}${p(b.lines[b.lines.length - 1], 'color:#666;font-size:12px;margin:4px 0')}</div>`
    : `<ul>${b.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`)).join('\n')}`).join('\n');
  const th = TABLE_HEADER.map((h) => `<th style="text-align:left;padding:2px 8px;border-bottom:1px solid #999">${escapeHtml(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((c) => `<td style="padding:2px 8px">${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:system-ui,sans-serif;color:#222;max-width:60em">
<h2 style="font-size:18px">CohortWatch: look ${input.look}, data cutoff ${escapeHtml(input.cutoff)}</h2>
${htmlSections}
${p(holdsLine)}
${link ? `<p><a href="${escapeHtml(link)}">The look's report</a></p>` : ''}
<h3 style="font-size:16px">PORT hazard ratios at this look (monitoring model)</h3>
<table style="border-collapse:collapse;font-size:13px"><thead><tr>${th}</tr></thead><tbody>
${trs}
</tbody></table>
${footer.map((l) => p(l, 'color:#777;font-size:12px')).join('\n')}
</body></html>`;
  return { subject, text, html };
}
