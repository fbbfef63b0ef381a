// The overview grid and the page of one estimand: aggregates only (hazard ratios, z statistics,
// boundaries, event counts with small cells suppressed), never a patient id or a patient's date.
import { formatCount, formatHr, formatP } from '../../reports/index.ts';
import { formatFraction, formatInterval, formatZ } from '../../reports/format.ts';
import { ENDPOINT_LABEL, POPULATION_LABEL, estimandLabel } from '../../reports/vocabulary.ts';
import type { Endpoint, Population } from '../../reports/index.ts';
import type { EstimandMonitoringJson, MonitoringJson } from '../../analysis/monitoringJson.ts';
import { html, rendererSvg } from './html.ts';
import type { SafeHtml } from './html.ts';
import { page } from './layout.ts';
import type { Chrome } from './layout.ts';

export interface LookRef {
  runId: number;
  cutoff: string;
  look: number;
  planVersion: string;
}

/** One PORT estimate of the monitoring model at one look, as stored in analysis_estimates. */
export interface EstimateView {
  population: Population;
  endpoint: Endpoint;
  primary: boolean;
  look: LookRef;
  n: number;
  events: number;
  eventsPort: number | null;
  eventsNoPort: number | null;
  hr: number | null;
  lower: number | null;
  upper: number | null;
  repeatedLower: number | null;
  repeatedUpper: number | null;
  z: number | null;
  p: number | null;
  boundaryZ: number | null;
  informationFraction: number | null;
  /** The validity inputs stored with the estimate (PH test, Firth fallback, IPTW balance). */
  validity: { phP: number | null; firth: boolean; maxAbsSmdWeighted: number | null; essFraction: number | null } | null;
}

export interface AlertView {
  cutoff: string;
  rule: string;
  status: string;
  summary: string;
}

/** Consecutive looks judged under one plan version. */
export interface PlanLooks {
  version: string;
  looks: number[];
}

export interface OverviewTile {
  estimate: EstimateView;
  /** z against the boundary over the live looks (the report's z-path chart), or null without a boundary. */
  zPathSvg: string | null;
  /** The plan version of each look the chart draws, in look order (more than one after an amendment). */
  zPathPlans: PlanLooks[];
  alerts: AlertView[];
}

export interface OverviewModel {
  latest: LookRef | null;
  tiles: OverviewTile[];
  /** Each primary estimand's sequential state (monitoringReport, as `cohortwatch monitoring`). */
  monitoring: MonitoringJson;
  smallCellMin: number;
}

const hrText = (e: EstimateView) => (e.hr === null ? 'not estimable' : formatHr(e.hr));
const ciText = (lower: number | null, upper: number | null) => (lower === null || upper === null ? 'NA' : formatInterval(lower, upper));

function zAgainstBoundary(e: EstimateView): string {
  if (e.z === null) return 'NA';
  return e.boundaryZ === null ? formatZ(e.z) : `${formatZ(e.z)} (boundary ±${formatZ(e.boundaryZ)})`;
}

function crossed(e: EstimateView): boolean {
  return e.z !== null && e.boundaryZ !== null && Math.abs(e.z) >= e.boundaryZ;
}

function eventsText(e: EstimateView, smallCellMin: number): string {
  const total = formatCount(e.events, smallCellMin, 'events');
  // As the report's alert cards: a count nothing computed says so, it is not left out silently.
  if (e.eventsPort === null || e.eventsNoPort === null) return `${total} (events per arm not computed)`;
  return `${total} (PTR ${formatCount(e.eventsNoPort, smallCellMin, 'events')} / PORT ${formatCount(e.eventsPort, smallCellMin, 'events')})`;
}

export function estimandPath(population: string, endpoint: string): string {
  return `/estimands/${encodeURIComponent(population)}/${encodeURIComponent(endpoint)}`;
}

const STATE_TEXT: Readonly<Record<EstimandMonitoringJson['state'], string>> = {
  accruing: 'accruing (no boundary yet)', monitoring: 'monitoring', futility: 'futility guidance met', crossed: 'boundary crossed', complete: 'complete (maximum information)',
};

function stateText(m: EstimandMonitoringJson): string {
  return m.side === null ? STATE_TEXT[m.state] : `${STATE_TEXT[m.state]} (${m.side})`;
}

function stateTag(m: EstimandMonitoringJson): SafeHtml {
  return html`<span class="tag state-${m.state}">${stateText(m)}</span>`;
}

const eventsOf = (n: number | null, smallCellMin: number) => (n === null ? 'NA' : formatCount(n, smallCellMin, 'events'));
const numberOrNa = (x: number | null, format: (v: number) => string) => (x === null ? 'NA' : format(x));

function monitoringTable(monitoring: MonitoringJson, smallCellMin: number): SafeHtml {
  return html`<table class="monitoring">
<caption>Sequential monitoring of the primary estimands (as <code>cohortwatch monitoring</code>)</caption>
<thead><tr><th scope="col">Estimand</th><th scope="col">State</th><th scope="col">Looks</th><th scope="col">Events / maximum</th><th scope="col">Information fraction</th><th scope="col">Alpha spent / alpha</th><th scope="col">HR</th><th scope="col">Repeated CI</th><th scope="col">z</th><th scope="col">Boundary</th></tr></thead>
<tbody>${monitoring.map((m) => html`<tr><th scope="row"><a href="${estimandPath(m.population, m.endpoint)}">${estimandLabel(m.population, m.endpoint)}</a></th><td>${stateTag(m)}</td><td>${m.looks.length}</td>
<td>${eventsOf(m.events, smallCellMin)} / ${m.maxEvents === null ? 'calendar' : String(m.maxEvents)}</td><td>${numberOrNa(m.informationFraction, formatFraction)}</td>
<td>${m.alphaSpent.toExponential(2)} / ${m.alpha.toPrecision(3)}</td><td>${numberOrNa(m.hr, formatHr)}</td><td>${ciText(m.repeatedLower, m.repeatedUpper)}</td>
<td>${numberOrNa(m.z, formatZ)}</td><td>${m.boundaryZ === null ? 'none' : `±${formatZ(m.boundaryZ)}`}</td></tr>`)}</tbody>
</table>`;
}

const looksText = (looks: readonly number[]) =>
  (looks.length === 1 ? `look ${looks[0]}` : `looks ${looks.length === 2 ? looks.join(' and ') : `${looks[0]}–${looks[looks.length - 1]}`}`);

/** "looks 1–2 under plan cw-plan-1, look 3 under plan cw-plan-2 (amended)": the plan behind each point. */
function plansText(plans: readonly PlanLooks[]): SafeHtml {
  return html`${plans.map((p, i) => html`${i === 0 ? null : ', '}<span class="plan-looks">${looksText(p.looks)} under plan <code>${p.version}</code>${i === 0 ? null : ' (amended)'}</span>`)}`;
}

function tile(t: OverviewTile, smallCellMin: number, monitoring: MonitoringJson): SafeHtml {
  const e = t.estimate;
  const m = monitoring.find((x) => x.population === e.population && x.endpoint === e.endpoint);
  return html`<li class="tile${e.primary ? ' primary' : ''}${crossed(e) ? ' crossed' : ''}">
  <h3><a href="${estimandPath(e.population, e.endpoint)}">${estimandLabel(e.population, e.endpoint)}</a>${e.primary ? html` <span class="tag">primary</span>` : null}</h3>
  ${m === undefined ? null : html`<p class="state">State: ${stateTag(m)}</p>`}
  <dl>
    <dt>PORT HR</dt><dd>${hrText(e)}</dd>
    <dt>Repeated CI</dt><dd>${ciText(e.repeatedLower, e.repeatedUpper)}</dd>
    <dt>95% CI</dt><dd>${ciText(e.lower, e.upper)}</dd>
    <dt>z vs boundary</dt><dd>${zAgainstBoundary(e)}${crossed(e) ? html` <strong>crossed</strong>` : null}</dd>
    <dt>Events</dt><dd>${eventsText(e, smallCellMin)}</dd>
    <dt>Last look</dt><dd>${e.look.look} (${e.look.cutoff})</dd>
  </dl>
  ${t.zPathSvg === null ? null : html`<figure class="zpath">${rendererSvg(t.zPathSvg)}<figcaption>z over the looks against the O'Brien-Fleming boundary; ${plansText(t.zPathPlans)}</figcaption></figure>`}
  ${t.alerts.length === 0 ? null : html`<ul class="alerts">${t.alerts.map((a) => html`<li><span class="tag ${a.status}">${a.rule} ${a.status}</span> ${a.summary}</li>`)}</ul>`}
</li>`;
}

export function overviewPage(chrome: Chrome, model: OverviewModel): string {
  if (model.latest === null) {
    return page(chrome, html`<p class="notice">No completed analysis run yet. Runs appear here after the first look (<code>cohortwatch reanalyze</code> or the quarterly scheduler).</p>
${model.monitoring.length === 0 ? null : monitoringTable(model.monitoring, model.smallCellMin)}`);
  }
  const primary = model.tiles.filter((t) => t.estimate.primary);
  const other = model.tiles.filter((t) => !t.estimate.primary);
  return page(chrome, html`
<p>Latest look: <strong>${model.latest.look}</strong>, cutoff ${model.latest.cutoff}, plan ${model.latest.planVersion}.
PORT hazard ratios of the monitoring model (below 1 favours PORT); counts below ${model.smallCellMin} are shown as &lt;${model.smallCellMin}.</p>
${model.monitoring.length === 0 ? null : monitoringTable(model.monitoring, model.smallCellMin)}
<h2>Primary estimands</h2>
${primary.length === 0 ? html`<p>None stored for this look.</p>` : html`<ul class="grid">${primary.map((t) => tile(t, model.smallCellMin, model.monitoring))}</ul>`}
<h2>Other estimands</h2>
${other.length === 0 ? html`<p>None stored for this look.</p>` : html`<ul class="grid">${other.map((t) => tile(t, model.smallCellMin, model.monitoring))}</ul>`}`);
}

export interface CurveFigure {
  title: string;
  svg: string;
}

export interface EstimandModel {
  population: Population;
  endpoint: Endpoint;
  /** The estimand's estimate at every completed look, oldest first. */
  looks: EstimateView[];
  zPathSvg: string | null;
  curves: CurveFigure[];
  alerts: AlertView[];
  /** The estimand's sequential monitoring (monitoringReport); null for an estimand that is not primary. */
  monitoring: EstimandMonitoringJson | null;
  smallCellMin: number;
}

function boundarySection(m: EstimandMonitoringJson | null, smallCellMin: number): SafeHtml {
  if (m === null) return html`<h2>Boundary</h2><p>This estimand is descriptive: the plan spends no alpha on it, so it has no boundary.</p>`;
  return html`<h2>Boundary</h2>
<p>State: ${stateTag(m)}; two-sided alpha ${m.alpha.toPrecision(3)}, spent ${m.alphaSpent.toExponential(2)} so far; maximum events ${m.maxEvents === null ? 'set by the calendar horizon' : String(m.maxEvents)}.
Conditional power: ${numberOrNa(m.conditionalPower.trend, formatFraction)} under the current trend, ${numberOrNa(m.conditionalPower.design, formatFraction)} under the design effect.</p>
${m.looks.length === 0 ? html`<p>No look yet.</p>` : html`<table class="boundary">
<caption>Boundary table: the looks so far</caption>
<thead><tr><th scope="col">Cutoff</th><th scope="col">Events</th><th scope="col">Information fraction</th><th scope="col">Cumulative alpha spent</th><th scope="col">Boundary |z|</th><th scope="col">z</th><th scope="col">State</th></tr></thead>
<tbody>${m.looks.map((l) => html`<tr${l.state === 'crossed' ? html` class="crossed"` : null}><td>${l.cutoff}</td><td>${eventsOf(l.events, smallCellMin)}</td><td>${numberOrNa(l.informationFraction, formatFraction)}</td><td>${l.alphaSpent.toExponential(2)}</td><td>${l.boundaryZ === null ? 'none' : formatZ(l.boundaryZ)}</td><td>${numberOrNa(l.z, formatZ)}</td><td>${STATE_TEXT[l.state]}</td></tr>`)}</tbody>
</table>`}`;
}

function validityList(e: EstimateView): SafeHtml {
  const v = e.validity;
  if (v === null) return html`<p>No validity checks stored with this estimate.</p>`;
  return html`<dl class="validity">
  <dt>Proportional hazards (Schoenfeld test p)</dt><dd>${formatP(v.phP)}</dd>
  <dt>Firth fallback</dt><dd>${v.firth ? 'yes (sparse events)' : 'no'}</dd>
  <dt>Largest weighted |SMD| (IPTW)</dt><dd>${v.maxAbsSmdWeighted === null ? 'NA' : formatFraction(v.maxAbsSmdWeighted)}</dd>
  <dt>IPTW effective sample size (fraction of n)</dt><dd>${v.essFraction === null ? 'NA' : formatFraction(v.essFraction)}</dd>
</dl>`;
}

export function estimandPage(chrome: Chrome, model: EstimandModel): string {
  const last = model.looks.at(-1);
  return page(chrome, html`
<p>${POPULATION_LABEL[model.population]}, ${ENDPOINT_LABEL[model.endpoint]}: PORT hazard ratio of the monitoring model at each look.</p>
${last === undefined ? html`<p class="notice">No completed look has an estimate for this estimand.</p>` : html`
<table>
  <caption>Hazard ratio path with repeated confidence intervals (alpha spent over the looks)</caption>
  <thead><tr><th scope="col">Look</th><th scope="col">Cutoff</th><th scope="col">HR</th><th scope="col">95% CI</th><th scope="col">Repeated CI</th><th scope="col">z</th><th scope="col">Boundary</th><th scope="col">Information fraction</th><th scope="col">Events</th><th scope="col">Plan</th></tr></thead>
  <tbody>${model.looks.map((e) => html`<tr${crossed(e) ? html` class="crossed"` : null}><td>${e.look.look}</td><td>${e.look.cutoff}</td><td>${hrText(e)}</td><td>${ciText(e.lower, e.upper)}</td><td>${ciText(e.repeatedLower, e.repeatedUpper)}</td><td>${e.z === null ? 'NA' : formatZ(e.z)}</td><td>${e.boundaryZ === null ? 'none' : `±${formatZ(e.boundaryZ)}`}</td><td>${e.informationFraction === null ? 'NA' : formatFraction(e.informationFraction)}</td><td>${eventsText(e, model.smallCellMin)}</td><td>${e.look.planVersion}</td></tr>`)}</tbody>
</table>
${model.zPathSvg === null ? null : html`<figure>${rendererSvg(model.zPathSvg)}<figcaption>z statistic at each look against the two-sided Lan-DeMets O'Brien-Fleming boundary (negative favours PORT).</figcaption></figure>`}
<h2>Validity at the last look</h2>
${validityList(last)}`}
${boundarySection(model.monitoring, model.smallCellMin)}
<h2>Curves at the last look</h2>
${model.curves.length === 0 ? html`<p>No curves stored with the latest run.</p>` : model.curves.map((c) => html`<figure>${rendererSvg(c.svg)}<figcaption>${c.title}</figcaption></figure>`)}
<h2>Alerts</h2>
${model.alerts.length === 0 ? html`<p>No alerts for this estimand.</p>` : html`<table><caption>Alerts raised for this estimand</caption>
<thead><tr><th scope="col">Cutoff</th><th scope="col">Rule</th><th scope="col">Status</th><th scope="col">Summary</th></tr></thead>
<tbody>${model.alerts.map((a) => html`<tr><td>${a.cutoff}</td><td>${a.rule}</td><td>${a.status}</td><td>${a.summary}</td></tr>`)}</tbody></table>`}`);
}
