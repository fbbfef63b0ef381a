import { sql } from 'kysely';
import { boundaryTables } from './reportInput/boundaryTables.ts';
import { runPlanOf } from './planAmendments.ts';
import { lookHistoryRuns } from './previousLooks.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import type { AnalysisRow } from '../timeline/index.ts';
import type { AnalysisPlan } from '../analysis/plan.ts';
import type { PopulationId } from '../analysis/plan.ts';
import type { CurveRecord, CurveTestRecord, EstimateRecord, FollowUpRecord, ModelKind } from '../analysis/runResult.ts';
import type {
  AlertKind, ArmCurve, DataQuality, EventType, FollowUpSummary, HazardEstimate, IncidenceCurves, LandmarkEstimate, ModelRow,
  ModelTable, MultivariateCell, ReportAlert, ReportInput, RejectionReason, RiskTable, SensitivityRow, SurvivalCurves, ValidityReason, ZPath,
} from '../reports/index.ts';
import { baselineTable } from './reportInput/baselineTables.ts';
import { modelTerm } from './reportInput/terms.ts';
import { forestRows } from './forestRows.ts';

const MONTH = 365.25 / 12;
const OVERDUE_MONTHS = 6;
const EVENT_TYPES: readonly EventType[] = ['registration', 'lrr', 'dp', 'progression', 'death', 'last_contact', 'retraction'];

export type ReportRowsLoader = (db: Kysely<Database>, cutoff: string) => Promise<readonly AnalysisRow[]>;

export class NoRunError extends Error {
  override name = 'NoRunError';
}

type StoredEstimate = EstimateRecord & { look: number; cutoff: string };

const hazard = (e: { hr: number | null; lower: number | null; upper: number | null; p: number | null }): HazardEstimate | null =>
  e.hr === null || e.lower === null || e.upper === null || e.p === null ? null : { hr: e.hr, lower: e.lower, upper: e.upper, p: e.p };

async function storedEstimates(db: Kysely<Database>, runIds: readonly number[]): Promise<StoredEstimate[]> {
  if (runIds.length === 0) return [];
  const rows = await db.selectFrom('analysis_estimates').innerJoin('analysis_runs', 'analysis_runs.id', 'analysis_estimates.run_id')
    .selectAll('analysis_estimates').select(['analysis_runs.look', 'analysis_runs.cutoff'])
    .where('run_id', 'in', runIds).orderBy('analysis_runs.cutoff').orderBy('analysis_estimates.id').execute();
  return rows.map((r) => ({
    population: r.population as PopulationId, endpoint: r.endpoint as EstimateRecord['endpoint'], model: r.model as ModelKind, term: r.term,
    primary: r.is_primary, n: r.n, events: r.events, eventsPort: r.events_port ?? 0, eventsNoPort: r.events_no_port ?? 0,
    coef: r.coef, se: r.se, hr: r.hr, lower: r.lower, upper: r.upper, z: r.z, p: r.p, informationFraction: r.information_fraction,
    boundaryZ: r.boundary_z, repeatedLower: r.repeated_lower, repeatedUpper: r.repeated_upper, details: r.details, look: r.look, cutoff: r.cutoff,
  }));
}

export function armCurve(c: CurveRecord): ArmCurve {
  return {
    arm: c.arm, n: c.n, events: c.events,
    points: c.time.map((t, i) => ({ time: t / MONTH, estimate: c.estimate[i], lower: c.lower[i], upper: c.upper[i], nRisk: c.nRisk[i] })),
  };
}

export function riskTable(curves: readonly CurveRecord[]): RiskTable {
  const times = [0, 12, 24, 36, 48, 60, 84, 120];
  const at = (arm: 'ptr' | 'port') => {
    const c = curves.find((x) => x.arm === arm);
    return times.map((m) => {
      if (!c) return 0;
      const k = Math.round(m);
      return k < c.nRisk.length ? c.nRisk[k] : 0;
    });
  };
  return { times, atRisk: { ptr: at('ptr'), port: at('port') } };
}

function landmarks(curves: readonly CurveRecord[]): LandmarkEstimate[] {
  return curves.flatMap((c) => c.landmarks.filter((l) => l.years === 3 || l.years === 5)
    .map((l) => ({ arm: c.arm, years: l.years as 3 | 5, estimate: l.estimate, lower: l.lower, upper: l.upper })));
}

function modelTables(estimates: readonly StoredEstimate[]): ModelTable[] {
  const tables: ModelTable[] = [];
  const keys = new Set(estimates.map((e) => `${e.population}/${e.endpoint}`));
  for (const key of keys) {
    const [population, endpoint] = key.split('/') as [PopulationId, EstimateRecord['endpoint']];
    const mine = estimates.filter((e) => e.population === population && e.endpoint === endpoint);
    const monitoring = mine.filter((e) => e.model === 'monitoring');
    const port = monitoring.find((e) => e.term === 'port');
    if (port && port.hr !== null) {
      const firth = port.details.firth === true;
      tables.push({
        population, endpoint, analysis: 'monitoring', n: port.n, events: port.events,
        rows: monitoring.flatMap((e): ModelRow[] => {
          const term = modelTerm(e.term);
          const h = hazard(e);
          return term && h ? [{ term, univariate: null, multivariate: { status: 'estimated', ...h }, firth: firth && e.term === 'port' }] : [];
        }),
      });
    }
    const univariate = mine.filter((e) => e.model === 'univariate');
    if (univariate.length > 0) {
      const multivariate = mine.filter((e) => e.model === 'multivariate');
      const rows = univariate.flatMap((u): ModelRow[] => {
        const term = modelTerm(u.term);
        const h = hazard(u);
        if (!term || !h) return [];
        const m = multivariate.find((x) => x.term === u.term);
        const mh = m ? hazard(m) : null;
        const cell: MultivariateCell = !m ? { status: 'notEntered' } : mh ? { status: 'estimated', ...mh } : { status: 'eliminated' };
        return [{ term, univariate: h, multivariate: cell, firth: false }];
      });
      const final = multivariate.find((x) => x.hr !== null);
      tables.push({ population, endpoint, analysis: 'replication', n: final?.n ?? univariate[0].n, events: final?.events ?? univariate[0].events, rows });
    }
  }
  return tables;
}

function sensitivity(estimates: readonly StoredEstimate[]): SensitivityRow[] {
  return estimates.filter((e) => e.model === 'monitoring' && e.term === 'port').flatMap((m): SensitivityRow[] => {
    const h = hazard(m);
    if (!h) return [];
    const same = (model: ModelKind) => estimates.find((e) => e.model === model && e.term === 'port' && e.population === m.population && e.endpoint === m.endpoint);
    const iptw = same('iptw');
    const firth = same('firth');
    const ev = m.details.eValue as { point: number; ci: number } | null | undefined;
    const phP = typeof m.details.phP === 'number' ? m.details.phP : null;
    const phGlobal = typeof m.details.phGlobalP === 'number' ? m.details.phGlobalP : null;
    return [{
      population: m.population, endpoint: m.endpoint, monitoring: h, iptw: iptw ? hazard(iptw) : null,
      effectiveN: iptw ? { port: Number(iptw.details.essPort), ptr: Number(iptw.details.essNoPort) } : null,
      maxAbsSmdWeighted: iptw ? Number(iptw.details.maxAbsSmdWeighted) : null,
      firth: firth ? hazard(firth) : null, eValue: ev ? { point: ev.point, ci: ev.ci } : null,
      ph: phP !== null && phGlobal !== null ? { portP: phP, globalP: phGlobal } : null,
    }];
  });
}

function zPaths(all: readonly StoredEstimate[], plan: AnalysisPlan): ZPath[] {
  // The design's maximum events at the latest look (the Schoenfeld rule follows the observed allocation).
  const planned = (p: { population: string; endpoint: string }) => {
    const latest = all.filter((e) => e.model === 'monitoring' && e.term === 'port' && e.population === p.population && e.endpoint === p.endpoint).at(-1);
    return typeof latest?.details.plannedEvents === 'number' ? latest.details.plannedEvents : 0;
  };
  return plan.primary.map((p) => ({
    population: p.population as ZPath['population'], endpoint: p.endpoint as ZPath['endpoint'], alpha: p.alpha, plannedEvents: planned(p),
    looks: all.filter((e) => e.model === 'monitoring' && e.term === 'port' && e.population === p.population && e.endpoint === p.endpoint
      && e.z !== null && e.boundaryZ !== null && e.informationFraction !== null)
      .map((e) => ({ look: e.look, cutoff: e.cutoff, informationFraction: e.informationFraction ?? 0, z: e.z ?? 0, boundary: e.boundaryZ ?? 0, events: e.events })),
  }));
}

const ALERT_KIND: Readonly<Record<string, AlertKind>> = { boundary: 'boundaryCrossing', departure: 'departureFromPublished', drift: 'drift', validity: 'validity' };
const VALIDITY: Readonly<Record<string, ValidityReason>> = {
  'non-proportional-hazards': 'phViolation', 'firth-fallback': 'firthFallback', 'iptw-imbalance': 'iptwImbalance', 'low-effective-sample-size': 'lowEffectiveSampleSize',
};

function rejectionReason(reason: string): RejectionReason {
  if (/after.*report|reported.*before/i.test(reason)) return 'occurredAfterReported';
  if (/date/i.test(reason)) return 'invalidDate';
  if (/type/i.test(reason)) return 'unknownEventType';
  if (/schema|field|must|expected|invalid/i.test(reason)) return 'schema';
  return 'other';
}

async function dataQuality(db: Kysely<Database>, rows: readonly AnalysisRow[], cutoff: string, previousCutoff: string | null): Promise<DataQuality> {
  const end = new Date(`${cutoff}T23:59:59Z`);
  const start = previousCutoff ? new Date(`${previousCutoff}T23:59:59Z`) : new Date(0);
  const overdueBefore = new Date(end);
  overdueBefore.setUTCMonth(overdueBefore.getUTCMonth() - OVERDUE_MONTHS);
  const lastSeen = await db.selectFrom('follow_up_events').select(['patient_id'])
    .select((eb) => [eb.fn.max('occurred_on').as('last'), sql<boolean>`bool_or(type = 'death')`.as('dead')])
    .where('reported_at', '<=', end).groupBy('patient_id').execute();
  const overdueDay = overdueBefore.toISOString().slice(0, 10);
  const current = new Set(lastSeen.filter((r) => r.dead || String(r.last) >= overdueDay).map((r) => r.patient_id));
  const alive = lastSeen.filter((r) => !r.dead);
  const rejected = await db.selectFrom('rejected_events').select(['kind', 'reason', 'rejected_at']).where('rejected_at', '<=', end).execute();
  const byReason = new Map<string, { total: number; sincePrevious: number }>();
  const conflicts = { total: 0, sincePrevious: 0 };
  for (const r of rejected) {
    const since = r.rejected_at > start ? 1 : 0;
    if (r.kind === 'conflict') { conflicts.total += 1; conflicts.sincePrevious += since; continue; }
    const key = rejectionReason(r.reason);
    const entry = byReason.get(key) ?? { total: 0, sincePrevious: 0 };
    entry.total += 1;
    entry.sincePrevious += since;
    byReason.set(key, entry);
  }
  const complete = (r: AnalysisRow) => r.tCategory !== null && r.nCategory !== null && r.tnbc !== null && r.metastasisCount !== null && r.boneOnly !== null;
  const centres = new Map<string, AnalysisRow[]>();
  for (const r of rows) centres.set(r.centre ?? '(none)', [...(centres.get(r.centre ?? '(none)') ?? []), r]);
  const missing = (name: string, f: (r: AnalysisRow) => unknown) => ({ covariate: name, missing: rows.filter((r) => f(r) === null).length, ofPatients: rows.length });
  return {
    overdueFollowUp: { overdueAfterMonths: OVERDUE_MONTHS, patients: alive.filter((r) => !current.has(r.patient_id)).length, ofPatients: alive.length },
    missingCovariates: [
      missing('ageAtPtr', (r) => r.ageAtPtr), missing('tCategory', (r) => r.tCategory), missing('nCategory', (r) => r.nCategory),
      missing('tnbc', (r) => r.tnbc), missing('metastasisCount', (r) => r.metastasisCount), missing('metastaticBurden', (r) => r.metastaticBurden),
      missing('metastaticSite', (r) => r.boneOnly), missing('chemotherapy', (r) => r.chemotherapy),
    ] as DataQuality['missingCovariates'],
    rejectedEvents: [...byReason.entries()].map(([reason, v]) => ({ reason: reason as RejectionReason, ...v })),
    conflictingEvents: conflicts.total > 0 ? [{ reason: 'payloadMismatch', ...conflicts }] : [],
    centres: [...centres.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([centre, members]) => ({
      centreLabel: centre, patients: members.length, completeCovariates: members.filter(complete).length,
      currentFollowUp: members.filter((r) => current.has(r.patientId)).length,
    })),
  };
}

async function eventFlow(db: Kysely<Database>, cutoff: string, previousCutoff: string | null) {
  const end = new Date(`${cutoff}T23:59:59Z`);
  const start = previousCutoff ? new Date(`${previousCutoff}T23:59:59Z`) : new Date(0);
  const counts = await db.selectFrom('follow_up_events').select(['type']).select((eb) => eb.fn.countAll<number>().as('n'))
    .where('reported_at', '>', start).where('reported_at', '<=', end).groupBy('type').execute();
  const rejected = await db.selectFrom('rejected_events').select(['kind', sql<string | null>`payload->>'type'`.as('type')])
    .where('rejected_at', '>', start).where('rejected_at', '<=', end).execute();
  const retracted = await db.selectFrom('follow_up_events as r').innerJoin('follow_up_events as t', (join) => join.on(sql<boolean>`t.event_id = r.payload->>'retracts'`))
    .select('t.type').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('r.type', '=', 'retraction').where('r.reported_at', '<=', end).where('r.reported_at', '>', start).groupBy('t.type').execute();
  return EVENT_TYPES.map((type) => {
    const received = Number(counts.find((c) => c.type === type)?.n ?? 0);
    return {
      type, received, applied: received,
      rejected: rejected.filter((r) => r.kind === 'invalid' && r.type === type).length,
      conflicting: rejected.filter((r) => r.kind === 'conflict' && r.type === type).length,
      retracted: Number(retracted.find((r) => r.type === type)?.n ?? 0),
    };
  });
}

/**
 * The quarterly report's input, assembled from the stored run of a cutoff (its estimates, curves,
 * alerts and every earlier look's z) plus the dataset and event log as of the cutoff for Table 1, flow
 * and data quality. Aggregates only: the rows are reduced to counts here and never leave this function.
 */
export async function buildReportInput(db: Kysely<Database>, cutoff: string, loadRows: ReportRowsLoader, smallCellMin: number): Promise<ReportInput> {
  // Every look of the registry (an amendment changes the plan version, not the look sequence; voided looks are out).
  const runs = await lookHistoryRuns(db).selectAll('analysis_runs').orderBy('analysis_runs.cutoff').execute();
  const index = runs.findIndex((r) => r.cutoff === cutoff);
  if (index < 0) throw new NoRunError(`no completed analysis run for cutoff ${cutoff}; run \`cohortwatch reanalyze --as-of ${cutoff}\` first`);
  const run = runs[index];
  const plan = runPlanOf(run);
  const planVersion = run.plan_version;
  const previous = index > 0 ? runs[index - 1] : null;
  const all = await storedEstimates(db, runs.slice(0, index + 1).map((r) => r.id));
  const estimates = all.filter((e) => e.cutoff === cutoff);
  const before = previous ? all.filter((e) => e.cutoff === previous.cutoff) : [];
  const results = run.results as { patientsByGroup: Record<string, number>; curves: CurveRecord[]; curveTests?: CurveTestRecord[]; followUp: FollowUpRecord[] };
  const rows = await loadRows(db, cutoff);
  const alerts = await db.selectFrom('alerts').selectAll().where('run_id', '=', run.id).where('status', '=', 'fired')
    // State changes (rule 'state') are shown in the monitoring section's boundary table, not as alert cards.
    .where('rule', '!=', 'state').orderBy('id').execute();
  const previousNaive = new Map(before.filter((e) => e.model === 'monitoring' && e.term === 'port' && e.lower !== null && e.upper !== null)
    .map((e) => [`${e.population}/${e.endpoint}`, (e.lower ?? 1) > 1 || (e.upper ?? 1) < 1]));
  const monitoringPort = (e: StoredEstimate) => e.model === 'monitoring' && e.term === 'port';
  const group = (g: string) => results.patientsByGroup[g] ?? 0;
  const populationRows = (p: PopulationId) => (p === 'all' ? rows : rows.filter((r) => r.group === p));
  const curvesOf = (p: string, e: string) => results.curves.filter((c) => c.population === p && c.endpoint === e);

  return {
    meta: {
      title: 'CohortWatch quarterly report: PTR/PORT registry', cutoff, previousCutoff: previous?.cutoff ?? null, look: run.look,
      planVersion, codeVersion: run.code_version, dataHash: run.dataset_hash ?? '', runId: String(run.id), generatedAt: new Date().toISOString(),
    },
    privacy: { smallCellMin },
    flow: {
      patientsPrevious: previous?.patients ?? 0, patientsCurrent: run.patients ?? rows.length,
      newRegistrations: Math.max(0, (run.patients ?? 0) - (previous?.patients ?? 0)), removedPatients: 0,
      patientsByGroup: { group1: group('group1'), group2: group('group2'), group3: group('group3'), unclassified: group('unclassified') },
      eventsByType: await eventFlow(db, cutoff, previous?.cutoff ?? null),
      endpointEvents: estimates.filter(monitoringPort).map((e) => ({
        population: e.population, endpoint: e.endpoint, current: e.events,
        previous: before.find((b) => monitoringPort(b) && b.population === e.population && b.endpoint === e.endpoint)?.events ?? null,
      })),
    },
    baseline: (['all', 'group1', 'group2', 'group3'] as const).map((p) => baselineTable(p, populationRows(p))),
    followUp: results.followUp.map((f): FollowUpSummary => ({
      population: f.population, n: f.n, medianMonths: f.medianDays === null ? null : f.medianDays / MONTH,
      lower: f.lowerDays === null ? null : f.lowerDays / MONTH, upper: f.upperDays === null ? null : f.upperDays / MONTH, q1Months: null, q3Months: null,
    })),
    survival: (['all', 'group1', 'group2', 'group3'] as const).flatMap((p) => (['os', 'pfs'] as const).flatMap((e): SurvivalCurves[] => {
      const c = curvesOf(p, e);
      return c.length === 0 ? [] : [{ population: p, endpoint: e, arms: c.map(armCurve), riskTable: riskTable(c), landmarks: landmarks(c), logRankP: results.curveTests?.find((x) => x.population === p && x.endpoint === e)?.logRankP ?? null }];
    })),
    incidence: (['all', 'group1', 'group2', 'group3'] as const).flatMap((p) => (['lrr', 'dp'] as const).flatMap((e): IncidenceCurves[] => {
      const c = curvesOf(p, e);
      return c.length === 0 ? [] : [{ population: p, endpoint: e, arms: c.map(armCurve), riskTable: riskTable(c), landmarks: landmarks(c), grayP: null }];
    })),
    models: modelTables(estimates),
    forest: forestRows(estimates, previousNaive),
    zPaths: zPaths(all, plan),
    boundaryTables: await boundaryTables(db, cutoff),
    sensitivity: sensitivity(estimates),
    dataQuality: await dataQuality(db, rows, cutoff, previous?.cutoff ?? null),
    alerts: alerts.map((a): ReportAlert => {
      const ev = a.evidence;
      const num = (k: string) => (typeof ev[k] === 'number' ? ev[k] : null);
      const est = estimates.find((e) => monitoringPort(e) && e.population === a.population && e.endpoint === a.endpoint);
      return {
        kind: ALERT_KIND[a.rule], population: a.population as PopulationId, endpoint: a.endpoint as EstimateRecord['endpoint'], alertId: a.id,
        evidence: {
          hr: est?.hr ?? num('hr') ?? 1, naive: { lower: est?.lower ?? 0, upper: est?.upper ?? 0 },
          repeated: est && est.repeatedLower !== null && est.repeatedUpper !== null ? { lower: est.repeatedLower, upper: est.repeatedUpper } : null,
          z: est?.z ?? 0, boundary: est?.boundaryZ ?? null, informationFraction: est?.informationFraction ?? null,
          events: { ptr: est?.eventsNoPort ?? 0, port: est?.eventsPort ?? 0 },
          driftZ: num('driftZ'), driftThreshold: a.rule === 'drift' ? plan.thresholds.driftZ : null,
          publishedHr: num('paperHr'),
          validityReasons: Array.isArray(ev.issues) ? (ev.issues as string[]).map((i) => VALIDITY[i]).filter((v): v is ValidityReason => v !== undefined) : [],
        },
      };
    }),
  };
}
