// The signal pages: the list, and one signal with its evidence, its audit trail and the forms of the
// lifecycle (acknowledge, close with a decision, reopen). Comments and decisions are free text typed by
// people: they are interpolated through `html`, so they are always shown as text.
import { findingSentence, SIGNAL_STATES } from '../../analysis/signals/index.ts';
import type { PersonAction, SignalState, SignalView } from '../../analysis/signals/index.ts';
import { formatFraction, formatHr, formatInterval, formatZ } from '../../reports/format.ts';
import { evidenceCountStatuses } from '../../reports/signalEvidenceCounts.ts';
import { printedCount } from '../../reports/suppression.ts';
import type { CellStatus } from '../../reports/suppression.ts';
import { estimandLabel } from '../../reports/vocabulary.ts';
import { html } from './html.ts';
import type { SafeHtml } from './html.ts';
import { page } from './layout.ts';
import type { Chrome } from './layout.ts';

export const SIGNAL_FORMS: readonly { action: PersonAction; path: string; from: readonly SignalState[]; label: string; field: 'comment' | 'decision'; fieldLabel: string }[] = [
  { action: 'ack', path: 'acknowledge', from: ['open'], label: 'Acknowledge', field: 'comment', fieldLabel: 'Comment (what you are assessing)' },
  { action: 'close', path: 'close', from: ['open', 'acknowledged'], label: 'Close with this decision', field: 'decision', fieldLabel: 'Decision taken' },
  { action: 'reopen', path: 'reopen', from: ['acknowledged', 'closed'], label: 'Reopen', field: 'comment', fieldLabel: 'Why reopen' },
];

const RULE_TEXT: Readonly<Record<string, string>> = {
  boundary: 'sequential boundary crossed', departure: 'departure from the published HR', drift: 'drift since the previous look', state: 'monitoring state changed',
};

export function signalPath(id: number): string {
  return `/signals/${id}`;
}

const stateTag = (state: SignalState) => html`<span class="tag signal-${state}">${state}</span>`;

export function signalsPage(chrome: Chrome, signals: readonly SignalView[], filter: SignalState | null): string {
  const filters: readonly (SignalState | null)[] = [null, ...SIGNAL_STATES];
  return page(chrome, html`
<p>A signal is opened by an effect alert or a monitoring state change of a primary estimand. Investigators acknowledge it, close it with a decision, or reopen it; every action is kept in its audit trail.</p>
<nav aria-label="Filter signals"><ul class="filters">${filters.map((f) => html`<li><a href="${f === null ? '/signals' : `/signals?state=${f}`}"${f === filter ? html` aria-current="page"` : null}>${f ?? 'all'}</a></li>`)}</ul></nav>
${signals.length === 0 ? html`<p>${filter === null ? 'No signals.' : `No ${filter} signals.`}</p>` : html`<table>
<caption>Signals${filter === null ? '' : ` (${filter})`}, newest first</caption>
<thead><tr><th scope="col">Signal</th><th scope="col">Estimand</th><th scope="col">Rule</th><th scope="col">State</th><th scope="col">Opened at cutoff</th><th scope="col">Last cutoff</th><th scope="col">Finding</th></tr></thead>
<tbody>${signals.map((s) => html`<tr><td><a href="${signalPath(s.id)}">#${s.id}</a></td><td>${estimandLabel(s.population, s.endpoint)}</td><td>${RULE_TEXT[s.rule] ?? s.rule}</td><td>${stateTag(s.state)}</td><td>${s.openedAtCutoff}</td><td>${s.lastCutoff}</td><td>${findingSentence(s.population, s.endpoint, s.evidence)}</td></tr>`)}</tbody>
</table>`}`);
}

function evidenceList(s: SignalView, smallCellMin: number): SafeHtml {
  const e = s.evidence;
  const interval = (lo: number | null, hi: number | null) => (lo === null || hi === null ? 'NA' : formatInterval(lo, hi));
  // One suppression decision for a signal's counts wherever it is shown (src/reports/signalEvidenceCounts.ts).
  const status = evidenceCountStatuses(e, smallCellMin);
  const count = (n: number | null, st: CellStatus | null) => (n === null || st === null ? null : printedCount(n, st, smallCellMin));
  const total = count(e.events, status.events);
  const port = count(e.eventsPort, status.eventsPort);
  const ptr = count(e.eventsNoPort, status.eventsNoPort);
  const events = total === null ? 'NA' : port === null || ptr === null ? total : `${total} (PORT ${port}, PTR alone ${ptr})`;
  return html`<dl class="validity">
  <dt>State</dt><dd>${stateTag(s.state)}</dd>
  <dt>Rule</dt><dd>${RULE_TEXT[s.rule] ?? s.rule}</dd>
  <dt>Opened at cutoff</dt><dd>${s.openedAtCutoff}</dd>
  <dt>Evidence of</dt><dd>look ${e.look}, cutoff ${e.cutoff}, plan ${e.planVersion}</dd>
  <dt>Finding</dt><dd>${findingSentence(s.population, s.endpoint, e)}</dd>
  <dt>Rule summary</dt><dd>${e.summary}</dd>
  <dt>PORT HR</dt><dd>${e.hr === null ? 'not estimable' : formatHr(e.hr)}</dd>
  <dt>95% CI</dt><dd>${interval(e.lower, e.upper)}</dd>
  <dt>Repeated CI</dt><dd>${interval(e.repeatedLower, e.repeatedUpper)}</dd>
  <dt>z vs boundary</dt><dd>${e.z === null ? 'NA' : formatZ(e.z)}${e.boundaryZ === null ? null : ` (boundary ±${formatZ(e.boundaryZ)})`}</dd>
  <dt>Information fraction</dt><dd>${e.informationFraction === null ? 'NA' : formatFraction(e.informationFraction)}</dd>
  <dt>Events</dt><dd>${events}</dd>
  <dt>Monitoring state</dt><dd>${e.monitoringState ?? 'NA'}</dd>
  ${e.holds.length === 0 ? null : html`<dt>Held by</dt><dd><ul>${e.holds.map((h) => html`<li>${h}</li>`)}</ul></dd>`}
</dl>`;
}

export interface SignalPageModel {
  signal: SignalView;
  smallCellMin: number;
  /** The user's role may act on signals (investigators and admins); others read. */
  canAct: boolean;
  /** Why the last action was refused (shown above the forms), or null. */
  problem: string | null;
}

export function signalPage(chrome: Chrome, model: SignalPageModel): string {
  const s = model.signal;
  const forms = SIGNAL_FORMS.filter((f) => f.from.includes(s.state));
  return page(chrome, html`
<p><a href="/signals">All signals</a> · <a href="/estimands/${s.population}/${s.endpoint}">${estimandLabel(s.population, s.endpoint)}</a></p>
${evidenceList(s, model.smallCellMin)}
<h2>Audit trail</h2>
<table class="history"><caption>Everything done to this signal, oldest first</caption>
<thead><tr><th scope="col">At (UTC)</th><th scope="col">Action</th><th scope="col">By</th><th scope="col">Comment or decision</th></tr></thead>
<tbody>${s.history.map((h) => html`<tr><td>${h.at}</td><td>${h.action}</td><td>${h.by}</td><td class="reason">${h.comment}</td></tr>`)}</tbody></table>
<h2>Act on this signal</h2>
${model.problem === null ? null : html`<p class="notice" role="alert" id="signal-problem">${model.problem}</p>`}
${!model.canAct ? html`<p>Your role can read signals; investigators and admins act on them.</p>`
    : forms.map((f) => html`<form class="signal-action" method="post" action="${signalPath(s.id)}/${f.path}">
  <input type="hidden" name="_csrf" value="${chrome.csrfToken}">
  <p><label for="${f.path}-${f.field}">${f.fieldLabel}</label>
  <textarea id="${f.path}-${f.field}" name="${f.field}" rows="3" maxlength="4000" required${model.problem === null ? null : html` aria-describedby="signal-problem"`}></textarea></p>
  <p><button type="submit">${f.label}</button></p>
</form>`)}`);
}
