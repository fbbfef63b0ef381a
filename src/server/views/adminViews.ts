// Looks, plan, data quality and audit pages. Only /data-quality shows patient ids (data managers and
// admins); every other page is aggregate.
import type { PlanHistoryEntry } from '../../jobs/planAmendments.ts';
import { html } from './html.ts';
import { page } from './layout.ts';
import type { Chrome } from './layout.ts';

export interface LookRow {
  runId: number;
  cutoff: string;
  look: number;
  planVersion: string;
  status: string;
  /** Patients analysed, already suppressed for small numbers ("<11"), or null when not recorded. */
  patients: string | null;
  alertsFired: number;
  finishedAt: string | null;
  reportHtml: string | null;
  reportPdf: string | null;
}

export function looksPage(chrome: Chrome, looks: readonly LookRow[], reportsConfigured: boolean): string {
  return page(chrome, html`
${reportsConfigured ? null : html`<p class="notice">Report downloads appear when the server is given the scheduler's report folder (REPORTS_DIR).</p>`}
${looks.length === 0 ? html`<p>No analysis runs yet.</p>` : html`<table>
<caption>Analysis runs, newest first</caption>
<thead><tr><th scope="col">Look</th><th scope="col">Cutoff</th><th scope="col">Plan</th><th scope="col">Status</th><th scope="col">Patients</th><th scope="col">Alerts fired</th><th scope="col">Finished</th><th scope="col">Report</th></tr></thead>
<tbody>${looks.map((l) => html`<tr><td>${l.look}</td><td>${l.cutoff}</td><td>${l.planVersion}</td><td>${l.status}</td><td>${l.patients ?? 'NA'}</td><td>${l.alertsFired}</td><td>${l.finishedAt ?? ''}</td>
<td>${l.reportHtml === null ? null : html`<a href="${l.reportHtml}" download>HTML<span class="sr"> report of ${l.cutoff}</span></a>`}${l.reportHtml !== null && l.reportPdf !== null ? ' · ' : null}${l.reportPdf === null ? null : html`<a href="${l.reportPdf}" download>PDF<span class="sr"> report of ${l.cutoff}</span></a>`}${l.reportHtml === null && l.reportPdf === null ? 'none' : null}</td></tr>`)}</tbody>
</table>`}`);
}

export interface PlanModel {
  version: string;
  totalAlpha: number;
  primary: readonly { label: string; plannedEvents: number | null; alpha: number }[];
  populations: readonly string[];
  endpoints: readonly string[];
  thresholds: readonly { name: string; value: number }[];
  landmarkYears: readonly number[];
  /** The shipped plan, then every amendment in the order they take effect (`cohortwatch plan history`). */
  amendments: readonly PlanHistoryEntry[];
  /** Plan versions that stored runs used, with their first and last cutoff. */
  history: readonly { version: string; runs: number; firstCutoff: string; lastCutoff: string }[];
}

export function planPage(chrome: Chrome, plan: PlanModel): string {
  return page(chrome, html`
<p>Current plan version <strong>${plan.version}</strong>; total two-sided alpha ${plan.totalAlpha}, spent per primary estimand by a Lan-DeMets O'Brien-Fleming function.</p>
<table><caption>Primary estimands</caption>
<thead><tr><th scope="col">Estimand</th><th scope="col">Planned events (information 1)</th><th scope="col">Alpha</th></tr></thead>
<tbody>${plan.primary.map((p) => html`<tr><td>${p.label}</td><td>${p.plannedEvents ?? 'calendar horizon'}</td><td>${p.alpha.toPrecision(4)}</td></tr>`)}</tbody></table>
<h2>Populations and endpoints</h2>
<ul>${plan.populations.map((p) => html`<li>${p}</li>`)}</ul>
<ul>${plan.endpoints.map((e) => html`<li>${e}</li>`)}</ul>
<h2>Alert thresholds</h2>
<table><caption>Thresholds of the alert rules</caption><thead><tr><th scope="col">Threshold</th><th scope="col">Value</th></tr></thead>
<tbody>${plan.thresholds.map((t) => html`<tr><td>${t.name}</td><td>${t.value}</td></tr>`)}</tbody></table>
<p>Landmarks of the curve tables: ${plan.landmarkYears.join(', ')} years.</p>
<h2>Amendment history</h2>
<table class="amendments"><caption>The shipped plan and its amendments, in the order they take effect</caption>
<thead><tr><th scope="col">Version</th><th scope="col">Effective from</th><th scope="col">Reason</th><th scope="col">By</th><th scope="col">Recorded</th><th scope="col">Document hash</th></tr></thead>
<tbody>${plan.amendments.map((a) => html`<tr><td>${a.version}</td><td>${a.effectiveFrom ?? 'first look'}</td><td class="reason">${a.reason}</td><td>${a.by}</td><td>${a.recordedAt ?? ''}</td><td><code>${a.hash.slice(0, 12)}</code></td></tr>`)}</tbody></table>
<h2>Plan versions of stored runs</h2>
${plan.history.length === 0 ? html`<p>No run has used a plan yet.</p>` : html`<table><caption>Plan versions used by stored runs</caption>
<thead><tr><th scope="col">Version</th><th scope="col">Runs</th><th scope="col">First cutoff</th><th scope="col">Last cutoff</th></tr></thead>
<tbody>${plan.history.map((h) => html`<tr><td>${h.version}</td><td>${h.runs}</td><td>${h.firstCutoff}</td><td>${h.lastCutoff}</td></tr>`)}</tbody></table>`}`);
}

export interface RejectedRow {
  rejectedAt: string;
  kind: string;
  eventId: string | null;
  patientId: string | null;
  reason: string;
}

export interface ConflictRow {
  patientId: string;
  reasons: string[];
}

export function dataQualityPage(chrome: Chrome, rejected: readonly RejectedRow[], conflicts: readonly ConflictRow[], limit: number): string {
  return page(chrome, html`
<p class="notice">This page shows pseudonymous patient ids. It is visible to data managers and admins only.</p>
<h2>Rejected events</h2>
${rejected.length === 0 ? html`<p>No rejected events.</p>` : html`<table><caption>Rejected events, newest first (at most ${limit})</caption>
<thead><tr><th scope="col">Rejected at</th><th scope="col">Kind</th><th scope="col">Event id</th><th scope="col">Patient id</th><th scope="col">Reason</th></tr></thead>
<tbody>${rejected.map((r) => html`<tr><td>${r.rejectedAt}</td><td>${r.kind}</td><td>${r.eventId ?? '(no usable id)'}</td><td>${r.patientId ?? ''}</td><td class="reason">${r.reason}</td></tr>`)}</tbody></table>`}
<h2>Timeline conflicts</h2>
${conflicts.length === 0 ? html`<p>No events kept out of a timeline.</p>` : html`<table><caption>Events kept in the log but not applied (before PTR, after death, ...)</caption>
<thead><tr><th scope="col">Patient id</th><th scope="col">Conflicts</th></tr></thead>
<tbody>${conflicts.map((c) => html`<tr><td>${c.patientId}</td><td><ul>${c.reasons.map((r) => html`<li>${r}</li>`)}</ul></td></tr>`)}</tbody></table>`}`);
}

export interface AuditRow {
  at: string;
  action: string;
  who: string;
  subject: string | null;
  ip: string | null;
}

export interface SignalAuditRow {
  at: string;
  signalId: number;
  estimand: string;
  action: string;
  /** The logged-in user's address (people's actions) or the system (the looks'). */
  by: string;
  comment: string;
}

export function auditPage(chrome: Chrome, rows: readonly AuditRow[], signalRows: readonly SignalAuditRow[], limit: number): string {
  return page(chrome, html`
<h2>Signal actions</h2>
${signalRows.length === 0 ? html`<p>No signal actions.</p>` : html`<table class="signal-audit"><caption>Signal audit trail, newest first (at most ${limit})</caption>
<thead><tr><th scope="col">At (UTC)</th><th scope="col">Signal</th><th scope="col">Estimand</th><th scope="col">Action</th><th scope="col">By</th><th scope="col">Comment or decision</th></tr></thead>
<tbody>${signalRows.map((r) => html`<tr><td>${r.at}</td><td><a href="/signals/${r.signalId}">#${r.signalId}</a></td><td>${r.estimand}</td><td>${r.action}</td><td>${r.by}</td><td class="reason">${r.comment}</td></tr>`)}</tbody></table>`}
<h2>Access</h2>
${rows.length === 0 ? html`<p>No entries.</p>` : html`<table class="access-audit"><caption>Access audit, newest first (at most ${limit})</caption>
<thead><tr><th scope="col">At</th><th scope="col">Action</th><th scope="col">By</th><th scope="col">Subject</th><th scope="col">Client address</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><td>${r.at}</td><td>${r.action}</td><td>${r.who}</td><td>${r.subject ?? ''}</td><td>${r.ip ?? ''}</td></tr>`)}</tbody></table>`}`);
}
