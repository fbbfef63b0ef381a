// What the dashboard pages show, read from PostgreSQL and shaped into the views' models. Charts
// are the report's own renderers (vega → inline SVG); they are cached per stored run, since a run
// never changes once completed and a render costs tens of milliseconds.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { CURRENT_PLAN, DEFAULT_PLAN } from '../../analysis/plan.ts';
import type { EstimandMonitoringJson, MonitoringJson } from '../../analysis/monitoringJson.ts';
import type { CurveRecord } from '../../analysis/runResult.ts';
import type { Database } from '../../db/database.ts';
import { armCurve, riskTable } from '../../jobs/buildReportInput.ts';
import { monitoringReport } from '../../jobs/monitoringReport.ts';
import { currentPlan, planHistory } from '../../jobs/planAmendments.ts';
import { cifPlotSvg, kmPlotSvg, zPathSvg } from '../../reports/index.ts';
import type { Endpoint, Population, ZPath } from '../../reports/index.ts';
import { formatCount } from '../../reports/format.ts';
import { ENDPOINT_LABEL, POPULATION_LABEL, estimandLabel } from '../../reports/vocabulary.ts';
import type { AlertView, EstimandModel, EstimateView, LookRef, OverviewModel, PlanLooks } from '../views/estimandViews.ts';
import type { AuditRow, ConflictRow, LookRow, PlanModel, RejectedRow, SignalAuditRow } from '../views/adminViews.ts';

export const POPULATION_IDS: readonly Population[] = ['all', 'group1', 'group2', 'group3'];
export const ENDPOINT_IDS: readonly Endpoint[] = ['os', 'pfs', 'lrr', 'dp'];

export interface DashboardContext {
  db: Kysely<Database>;
  smallCellMin: number;
  reportsDir: string | undefined;
}

type EstimateRow = {
  run_id: number; cutoff: string; look: number; plan_version: string; population: string; endpoint: string; is_primary: boolean;
  n: number; events: number; events_port: number | null; events_no_port: number | null; hr: number | null; lower: number | null; upper: number | null;
  repeated_lower: number | null; repeated_upper: number | null; z: number | null; p: number | null; boundary_z: number | null;
  information_fraction: number | null; details: Record<string, unknown>;
};

function toView(r: EstimateRow): EstimateView {
  const validity = (r.details.validity ?? null) as EstimateView['validity'];
  return {
    population: r.population as Population, endpoint: r.endpoint as Endpoint, primary: r.is_primary,
    look: { runId: r.run_id, cutoff: r.cutoff, look: r.look, planVersion: r.plan_version },
    n: r.n, events: r.events, eventsPort: r.events_port, eventsNoPort: r.events_no_port, hr: r.hr, lower: r.lower, upper: r.upper,
    repeatedLower: r.repeated_lower, repeatedUpper: r.repeated_upper, z: r.z, p: r.p, boundaryZ: r.boundary_z,
    informationFraction: r.information_fraction, validity,
  };
}

/**
 * Monitoring-model PORT estimates of the live looks (completed, not voided: the look history of
 * src/jobs/previousLooks.ts), whatever plan version judged them; an amendment continues the same
 * sequence of looks, so the z path and the HR path run across it, each look marked with its plan.
 */
function monitoringEstimates(db: Kysely<Database>) {
  return db.selectFrom('analysis_estimates as e')
    .innerJoin('analysis_runs as r', 'r.id', 'e.run_id')
    .select(['e.run_id', 'r.cutoff', 'r.look', 'r.plan_version', 'e.population', 'e.endpoint', 'e.is_primary', 'e.n', 'e.events', 'e.events_port',
      'e.events_no_port', 'e.hr', 'e.lower', 'e.upper', 'e.repeated_lower', 'e.repeated_upper', 'e.z', 'e.p', 'e.boundary_z', 'e.information_fraction', 'e.details'])
    .where('r.status', '=', 'completed').where('r.voided_at', 'is', null).where('e.model', '=', 'monitoring').where('e.term', '=', 'port');
}

export async function latestRun(db: Kysely<Database>): Promise<LookRef | null> {
  const run = await db.selectFrom('analysis_runs').select(['id', 'cutoff', 'look', 'plan_version'])
    .where('status', '=', 'completed').where('voided_at', 'is', null).orderBy('cutoff', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return run === undefined ? null : { runId: run.id, cutoff: run.cutoff, look: run.look, planVersion: run.plan_version };
}

/** A stated maximum of events (monitoring plan v2); null when the design derives it per look (Schoenfeld, calendar). */
function designMaxEvents(p: (typeof CURRENT_PLAN.primary)[number]): number | null {
  return p.design.maxInformation.rule === 'events' ? p.design.maxInformation.maxEvents : null;
}

function zPathOf(rows: readonly EstimateView[]): ZPath | null {
  const first = rows[0];
  if (first === undefined || first.population === 'all' || (first.endpoint !== 'os' && first.endpoint !== 'pfs')) return null;
  const spec = CURRENT_PLAN.primary.find((p) => p.population === first.population && p.endpoint === first.endpoint);
  const looks = rows.filter((e) => e.z !== null && e.boundaryZ !== null && e.boundaryZ > 0 && e.informationFraction !== null && e.informationFraction > 0)
    .map((e) => ({ look: e.look.look, cutoff: e.look.cutoff, informationFraction: e.informationFraction ?? 0, z: e.z ?? 0, boundary: e.boundaryZ ?? 0, events: e.events }));
  if (looks.length === 0) return null;
  return { population: first.population, endpoint: first.endpoint, alpha: spec?.alpha ?? 0, plannedEvents: spec ? designMaxEvents(spec) : null, looks, notEstimable: null };
}

/** Rendered SVGs by a key that names the stored data they show (a completed run never changes). */
class SvgCache {
  private readonly entries = new Map<string, Promise<string>>();
  constructor(private readonly capacity = 256) {}
  get(key: string, render: () => Promise<string>): Promise<string> {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const value = render();
    value.catch(() => this.entries.delete(key));
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return value;
  }
}

const svgCache = new SvgCache();

/** The plan versions of an estimand's looks, in look order: consecutive looks under one version together. */
export function planVersionsOf(rows: readonly EstimateView[]): PlanLooks[] {
  const spans: PlanLooks[] = [];
  for (const row of rows) {
    const last = spans.at(-1);
    if (last !== undefined && last.version === row.look.planVersion) last.looks.push(row.look.look);
    else spans.push({ version: row.look.planVersion, looks: [row.look.look] });
  }
  return spans;
}

/** The chart of a z path; cached by the runs it shows (a voided look changes the key, a new look too). */
function zPathChart(path: ZPath | null, rows: readonly EstimateView[], size: 'small' | 'large'): Promise<string | null> {
  if (path === null) return Promise.resolve(null);
  const versions = planVersionsOf(rows).map((p) => p.version);
  const plans = versions.length === 1 ? `plan ${versions[0]}` : `plans ${versions.join(', then ')}`;
  const description = `z statistic of the PORT hazard ratio, ${estimandLabel(path.population, path.endpoint)}, at each look against the O'Brien-Fleming boundary (${plans})`;
  const key = `z:${size}:${path.population}/${path.endpoint}:${rows.map((r) => r.look.runId).join(',')}`;
  return svgCache.get(key, () => zPathSvg([path], { columns: 1, description }));
}

async function alertsOf(db: Kysely<Database>, where: { runId?: number; population?: string; endpoint?: string }): Promise<(AlertView & { population: string; endpoint: string })[]> {
  let query = db.selectFrom('alerts as a').innerJoin('analysis_runs as r', 'r.id', 'a.run_id')
    .select(['r.cutoff', 'a.rule', 'a.status', 'a.summary', 'a.population', 'a.endpoint']);
  if (where.runId !== undefined) query = query.where('a.run_id', '=', where.runId);
  if (where.population !== undefined) query = query.where('a.population', '=', where.population);
  if (where.endpoint !== undefined) query = query.where('a.endpoint', '=', where.endpoint);
  return query.orderBy('r.cutoff').orderBy('a.id').execute();
}

/**
 * The monitoring report (monitoringReport, as `cohortwatch monitoring`) as of today, or as of the
 * latest look's cutoff when that lies later (a registry analysed ahead of the server's clock).
 */
async function monitoringNow(ctx: DashboardContext, latest: LookRef | null): Promise<MonitoringJson> {
  const today = new Date().toISOString().slice(0, 10);
  return monitoringReport(ctx.db, latest !== null && latest.cutoff > today ? latest.cutoff : today);
}

export async function overviewModel(ctx: DashboardContext): Promise<OverviewModel> {
  const latest = await latestRun(ctx.db);
  const monitoring = await monitoringNow(ctx, latest);
  if (latest === null) return { latest, tiles: [], monitoring, smallCellMin: ctx.smallCellMin };
  const rows = (await monitoringEstimates(ctx.db).orderBy('r.cutoff').orderBy('e.id').execute()).map(toView);
  const alerts = await alertsOf(ctx.db, { runId: latest.runId });
  const tiles = await Promise.all(rows.filter((e) => e.look.runId === latest.runId).map(async (estimate) => {
    const own = rows.filter((r) => r.population === estimate.population && r.endpoint === estimate.endpoint);
    const path = estimate.primary ? zPathOf(own) : null;
    const drawn = path === null ? [] : own.filter((r) => path.looks.some((l) => l.look === r.look.look));
    return {
      estimate,
      zPathSvg: await zPathChart(path, drawn, 'small'),
      zPathPlans: planVersionsOf(drawn),
      alerts: alerts.filter((a) => a.population === estimate.population && a.endpoint === estimate.endpoint),
    };
  }));
  const order = (e: EstimateView) => POPULATION_IDS.indexOf(e.population) * 10 + ENDPOINT_IDS.indexOf(e.endpoint);
  tiles.sort((a, b) => order(a.estimate) - order(b.estimate));
  return { latest, tiles, monitoring, smallCellMin: ctx.smallCellMin };
}

export async function estimandModel(ctx: DashboardContext, population: Population, endpoint: Endpoint): Promise<EstimandModel> {
  const latest = await latestRun(ctx.db);
  const looks = latest === null ? [] : (await monitoringEstimates(ctx.db)
    .where('e.population', '=', population).where('e.endpoint', '=', endpoint).orderBy('r.cutoff').execute()).map(toView);
  const curves: EstimandModel['curves'] = [];
  if (latest !== null) {
    const run = await ctx.db.selectFrom('analysis_runs').select('results').where('id', '=', latest.runId).executeTakeFirst();
    const results: unknown = run?.results ?? null;
    const stored = (results as { curves?: CurveRecord[] } | null)?.curves ?? [];
    const arms = stored.filter((c) => c.population === population && c.endpoint === endpoint);
    if (arms.length > 0) {
      const kind = arms[0].kind;
      const title = `${kind === 'survival' ? 'Kaplan-Meier' : 'Cumulative incidence (death competing)'}: ${ENDPOINT_LABEL[endpoint]}, ${POPULATION_LABEL[population]}, by arm, with 95% CI and numbers at risk; cutoff ${latest.cutoff}`;
      const set = { arms: arms.map(armCurve), riskTable: riskTable(arms) };
      const options = { smallCellMin: ctx.smallCellMin, yTitle: ENDPOINT_LABEL[endpoint], description: title };
      const svg = await svgCache.get(`curve:${population}/${endpoint}:${latest.runId}:${ctx.smallCellMin}`,
        () => (kind === 'survival' ? kmPlotSvg(set, options) : cifPlotSvg(set, options)));
      curves.push({ title, svg });
    }
  }
  const path = looks.some((l) => l.primary) ? zPathOf(looks) : null;
  const monitoring: EstimandMonitoringJson | null = (await monitoringNow(ctx, latest))
    .find((m) => m.population === population && m.endpoint === endpoint) ?? null;
  return {
    population, endpoint, looks, curves, monitoring, smallCellMin: ctx.smallCellMin,
    zPathSvg: path === null ? null : await zPathChart(path, looks.filter((r) => path.looks.some((l) => l.look === r.look.look)), 'large'),
    alerts: await alertsOf(ctx.db, { population, endpoint }),
  };
}

const CUTOFF = /^\d{4}-\d{2}-\d{2}$/;

/** The report files of a cutoff in the reports folder, by kind; the cutoff's shape is checked first (no path tricks). */
export function reportFile(reportsDir: string | undefined, cutoff: string, kind: 'html' | 'pdf'): string | null {
  if (reportsDir === undefined || !CUTOFF.test(cutoff)) return null;
  const file = join(reportsDir, cutoff, kind === 'html' ? 'report.html' : 'report.pdf');
  return existsSync(file) ? file : null;
}

export async function looksRows(ctx: DashboardContext): Promise<LookRow[]> {
  const runs = await ctx.db.selectFrom('analysis_runs as r')
    .select(['r.id', 'r.cutoff', 'r.look', 'r.plan_version', 'r.status', 'r.patients', 'r.finished_at',
      (eb) => eb.selectFrom('alerts as a').whereRef('a.run_id', '=', 'r.id').where('a.status', '=', 'fired').select(sql<number>`count(*)::int`.as('n')).as('fired')])
    .orderBy('r.cutoff', 'desc').orderBy('r.id', 'desc').execute();
  return runs.map((r) => ({
    runId: r.id, cutoff: r.cutoff, look: r.look, planVersion: r.plan_version, status: r.status,
    patients: r.patients === null ? null : formatCount(r.patients, ctx.smallCellMin, 'patients'),
    alertsFired: r.fired ?? 0, finishedAt: r.finished_at === null ? null : r.finished_at.toISOString(),
    reportHtml: reportFile(ctx.reportsDir, r.cutoff, 'html') === null ? null : `/looks/${r.cutoff}/report.html`,
    reportPdf: reportFile(ctx.reportsDir, r.cutoff, 'pdf') === null ? null : `/looks/${r.cutoff}/report.pdf`,
  }));
}

export async function planModel(ctx: DashboardContext): Promise<PlanModel> {
  const history = await ctx.db.selectFrom('analysis_runs').where('status', '=', 'completed')
    .select(['plan_version', sql<number>`count(*)::int`.as('runs'), sql<string>`min(cutoff)::text`.as('first'), sql<string>`max(cutoff)::text`.as('last')])
    .groupBy('plan_version').orderBy(sql`min(cutoff)`).execute();
  const [plan, amendments] = await Promise.all([currentPlan(ctx.db, DEFAULT_PLAN), planHistory(ctx.db, DEFAULT_PLAN)]);
  return {
    version: plan.version, totalAlpha: plan.totalAlpha,
    primary: plan.primary.map((p) => ({ label: estimandLabel(p.population, p.endpoint), plannedEvents: designMaxEvents(p), alpha: p.alpha })),
    populations: plan.populations.map((p) => p.label), endpoints: plan.endpoints.map((e) => e.label),
    thresholds: Object.entries(plan.thresholds).map(([name, value]) => ({ name, value: value as number })),
    landmarkYears: plan.landmarkYears,
    amendments,
    history: history.map((h) => ({ version: h.plan_version, runs: h.runs, firstCutoff: h.first, lastCutoff: h.last })),
  };
}

export const DATA_QUALITY_LIMIT = 500;

export async function dataQualityRows(ctx: DashboardContext): Promise<{ rejected: RejectedRow[]; conflicts: ConflictRow[] }> {
  const rejected = await ctx.db.selectFrom('rejected_events').select(['rejected_at', 'kind', 'event_id', 'patient_id', 'reason'])
    .orderBy('rejected_at', 'desc').orderBy('id', 'desc').limit(DATA_QUALITY_LIMIT).execute();
  const conflicts = await ctx.db.selectFrom('timelines').select(['patient_id', 'conflicts'])
    .where(sql<boolean>`jsonb_array_length(conflicts) > 0`).orderBy('patient_id').limit(DATA_QUALITY_LIMIT).execute();
  const reasonOf = (c: unknown) => (typeof c === 'object' && c !== null && 'reason' in c ? String((c).reason) : JSON.stringify(c));
  return {
    rejected: rejected.map((r) => ({ rejectedAt: r.rejected_at.toISOString(), kind: r.kind, eventId: r.event_id, patientId: r.patient_id, reason: r.reason })),
    conflicts: conflicts.map((c) => ({ patientId: c.patient_id, reasons: (Array.isArray(c.conflicts) ? c.conflicts : []).map(reasonOf) })),
  };
}

export const AUDIT_LIMIT = 500;

/** Everything done to signals (signal_events, append-only), newest first: people's actions and the looks'. */
export async function signalAuditRows(ctx: DashboardContext): Promise<SignalAuditRow[]> {
  const rows = await ctx.db.selectFrom('signal_events as e').innerJoin('signals as s', 's.id', 'e.signal_id')
    .select(['e.at', 'e.signal_id', 's.population', 's.endpoint', 'e.action', 'e.by', 'e.comment'])
    .orderBy('e.id', 'desc').limit(AUDIT_LIMIT).execute();
  return rows.map((r) => ({
    at: r.at.toISOString(), signalId: r.signal_id, estimand: estimandLabel(r.population as Population, r.endpoint as Endpoint),
    action: r.action, by: r.by, comment: r.comment,
  }));
}

export async function auditRows(ctx: DashboardContext): Promise<AuditRow[]> {
  const rows = await ctx.db.selectFrom('access_audit as a').leftJoin('users as u', 'u.id', 'a.user_id').leftJoin('api_keys as k', 'k.id', 'a.api_key_id')
    .select(['a.at', 'a.action', 'a.subject', 'a.ip', 'u.email', 'k.name as key_name', 'a.api_key_id'])
    .orderBy('a.id', 'desc').limit(AUDIT_LIMIT).execute();
  return rows.map((r) => ({
    at: r.at.toISOString(), action: r.action, subject: r.subject, ip: r.ip,
    who: r.email ?? (r.api_key_id === null ? '' : `API key ${r.api_key_id}${r.key_name === null ? '' : ` (${r.key_name})`}`),
  }));
}
