// The quarterly report's input from what a look stored (its estimates, curves, tests and alerts, and
// every earlier look's z) and the analysis dataset and event ledger as of its cutoff. Pure: the shell
// (src/jobs/buildReportInput.ts) loads, this assembles. Nothing here invents a value: what the run did
// not compute is null, with the reason where the report prints one.
import type { AnalysisPlan, EndpointId, PopulationId } from '../../analysis/plan.ts';
import type { CurveRecord, CurveTestRecord, FollowUpRecord, ModelKind } from '../../analysis/runResult.ts';
import type { AnalysisRow } from '../../timeline/index.ts';
import type {
  AlertKind, ArmCurve, CurveComparison, DataQuality, EventTypeFlow, FollowUpSummary, HazardEstimate, IncidenceCurves, IncidenceEndpoint,
  LandmarkEstimate, ModelRow, ModelTable, MultivariateCell, Population, ReportAlert, ReportInput, RiskTable, SensitivityRow,
  SurvivalCurves, SurvivalEndpoint, ValidityReason, ZPath,
} from '../reportInput.ts';
import { POPULATIONS } from '../reportInput.ts';
import { baselineTable } from './baselineTables.ts';
import { EVENT_TYPES } from './eventLedger.ts';
import type { EventLedger } from './eventLedger.ts';
import { forestRows } from './forestRows.ts';
import type { EstimateAsStored } from './forestRows.ts';
import { modelTerm } from './terms.ts';

/** Months on the report's axes: days / (365.25 / 12). */
export const DAYS_PER_MONTH = 365.25 / 12;
/** The risk table is printed every this many months, under the whole time axis. */
const RISK_INTERVAL_MONTHS = 12;

/** A stored estimate with the look it belongs to. */
export type StoredEstimate = EstimateAsStored & { readonly look: number; readonly cutoff: string };

/** What the run stored in `analysis_runs.results`. Runs stored before a field existed lack it. */
export interface StoredRunResults {
  readonly patientsByGroup: Readonly<Record<string, number>>;
  readonly curves: readonly CurveRecord[];
  readonly curveTests?: readonly (CurveTestRecord | LegacyCurveTest)[];
  readonly followUp: readonly (FollowUpRecord | Omit<FollowUpRecord, 'q1Days' | 'q3Days'>)[];
}

/** A run stored before Gray's test: the log-rank p only. */
interface LegacyCurveTest {
  readonly population: PopulationId;
  readonly endpoint: EndpointId;
  readonly logRankP: number | null;
}

export interface StoredAlert {
  readonly id: string;
  readonly rule: string;
  readonly population: string;
  readonly endpoint: string;
  readonly evidence: Readonly<Record<string, unknown>>;
}

export interface ReportSource {
  readonly title: string;
  readonly run: {
    readonly id: number;
    readonly cutoff: string;
    readonly look: number;
    readonly planVersion: string;
    /** The plan the run was analysed under (amendments change it between looks). */
    readonly plan: AnalysisPlan;
    readonly codeVersion: string;
    readonly datasetHash: string;
    readonly results: StoredRunResults;
  };
  readonly previousCutoff: string | null;
  /** Every look's estimates up to and including this one. */
  readonly estimates: readonly StoredEstimate[];
  /** The alerts this look fired. */
  readonly alerts: readonly StoredAlert[];
  /** The analysis dataset as of the cutoff (hashing to the run's dataset hash). */
  readonly rows: readonly AnalysisRow[];
  readonly ledger: EventLedger;
  readonly dataQuality: Pick<DataQuality, 'overdueFollowUp'> & { readonly currentFollowUp: ReadonlySet<string> };
  readonly smallCellMin: number;
  readonly generatedAt: Date;
  /** Each primary estimand's boundary table (looks so far and planned), from the stored monitoring looks. */
  readonly boundaryTables: ReportInput['boundaryTables'];
}

const hazard = (e: { hr: number | null; lower: number | null; upper: number | null; p: number | null }): HazardEstimate | null =>
  e.hr === null || e.lower === null || e.upper === null || e.p === null ? null : { hr: e.hr, lower: e.lower, upper: e.upper, p: e.p };

const nanIfNull = (x: number | null): number => (x === null ? Number.NaN : x);
const monthsOrNull = (days: number | null | undefined): number | null => (days === null || days === undefined ? null : days / DAYS_PER_MONTH);
const monitoringPort = (e: { model: ModelKind; term: string }) => e.model === 'monitoring' && e.term === 'port';
const sameEstimand = (a: { population: string; endpoint: string }, b: { population: string; endpoint: string }) => a.population === b.population && a.endpoint === b.endpoint;

export function armCurve(c: CurveRecord): ArmCurve {
  return {
    arm: c.arm, n: c.n, events: c.events,
    points: c.time.map((t, i) => ({ time: t / DAYS_PER_MONTH, estimate: c.estimate[i], lower: nanIfNull(c.lower[i]), upper: nanIfNull(c.upper[i]), nRisk: c.nRisk[i] })),
  };
}

/**
 * Numbers at risk every 12 months from 0 to the first multiple of 12 at or after the longest curve,
 * so the table runs under the whole time axis. Curves are stored on a monthly grid: index = month.
 */
export function riskTable(curves: readonly CurveRecord[]): RiskTable {
  const lastMonth = Math.max(0, ...curves.map((c) => (c.time.length === 0 ? 0 : c.time[c.time.length - 1] / DAYS_PER_MONTH)));
  const times: number[] = [];
  for (let m = 0; m <= Math.ceil(lastMonth / RISK_INTERVAL_MONTHS) * RISK_INTERVAL_MONTHS; m += RISK_INTERVAL_MONTHS) times.push(m);
  const at = (arm: 'ptr' | 'port') => {
    const c = curves.find((x) => x.arm === arm);
    // Past its last step nobody of the arm is at risk (a missing arm has no patient at all).
    return times.map((m) => (c !== undefined && m < c.nRisk.length ? c.nRisk[m] : 0));
  };
  return { times, atRisk: { ptr: at('ptr'), port: at('port') } };
}

function landmarks(curves: readonly CurveRecord[]): LandmarkEstimate[] {
  return curves.flatMap((c) => c.landmarks.filter((l) => l.years === 3 || l.years === 5)
    .map((l) => ({ arm: c.arm, years: l.years as 3 | 5, estimate: l.estimate, lower: l.lower, upper: l.upper })));
}

function comparison(tests: StoredRunResults['curveTests'], population: Population, endpoint: EndpointId, test: 'logRank' | 'gray'): CurveComparison {
  const stored = tests?.find((t) => t.population === population && t.endpoint === endpoint);
  if (stored === undefined) {
    return { test, statistic: null, df: null, p: null, notComputed: test === 'gray' ? "Gray's test was not part of this run (stored before it was added)" : 'no test stored with this run' };
  }
  if ('test' in stored) return { test, statistic: stored.statistic, df: stored.df, p: stored.p, notComputed: stored.notComputed };
  return { test, statistic: null, df: null, p: stored.logRankP, notComputed: stored.logRankP === null ? 'the log-rank test was undefined (fewer than two arms with expected events)' : null };
}

function modelTables(estimates: readonly StoredEstimate[]): ModelTable[] {
  const tables: ModelTable[] = [];
  const keys = new Set(estimates.map((e) => `${e.population}/${e.endpoint}`));
  for (const key of keys) {
    const [population, endpoint] = key.split('/') as [PopulationId, EndpointId];
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
      const final = multivariate.find((x) => x.hr !== null) ?? univariate[0];
      tables.push({ population, endpoint, analysis: 'replication', n: final.n, events: final.events, rows });
    }
  }
  return tables;
}

const finiteNumber = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function sensitivity(estimates: readonly StoredEstimate[]): SensitivityRow[] {
  return estimates.filter(monitoringPort).flatMap((m): SensitivityRow[] => {
    const h = hazard(m);
    if (!h) return [];
    const same = (model: ModelKind) => estimates.find((e) => e.model === model && e.term === 'port' && sameEstimand(e, m));
    const iptw = same('iptw');
    const firth = same('firth');
    const ev = m.details.eValue as { point: unknown; ci: unknown } | null | undefined;
    const evPoint = finiteNumber(ev?.point);
    const evCi = finiteNumber(ev?.ci);
    const phP = finiteNumber(m.details.phP);
    const phGlobal = finiteNumber(m.details.phGlobalP);
    const essPort = finiteNumber(iptw?.details.essPort);
    const essPtr = finiteNumber(iptw?.details.essNoPort);
    return [{
      population: m.population, endpoint: m.endpoint, monitoring: h, iptw: iptw ? hazard(iptw) : null,
      effectiveN: essPort !== null && essPtr !== null ? { port: essPort, ptr: essPtr } : null,
      maxAbsSmdWeighted: finiteNumber(iptw?.details.maxAbsSmdWeighted),
      firth: firth ? hazard(firth) : null, eValue: evPoint !== null && evCi !== null ? { point: evPoint, ci: evCi } : null,
      ph: phP !== null && phGlobal !== null ? { portP: phP, globalP: phGlobal } : null,
    }];
  });
}

/** Why the current look has no z for an estimand, from what the run stored. */
function notEstimableReason(current: StoredEstimate | undefined): string | null {
  if (current === undefined) return 'no monitoring estimate at this look (too few patients in the population)';
  if (current.z !== null && current.boundaryZ !== null && current.informationFraction !== null) return null;
  const reason = current.details.reason;
  return typeof reason === 'string' && reason !== '' ? reason : 'the monitoring model gave no z at this look';
}

function zPaths(all: readonly StoredEstimate[], plan: AnalysisPlan, cutoff: string): ZPath[] {
  return plan.primary.map((p) => {
    const mine = all.filter((e) => monitoringPort(e) && e.population === p.population && e.endpoint === p.endpoint);
    // The design's maximum events as the latest look derived them (Schoenfeld follows the observed allocation).
    const planned = mine.at(-1)?.details.plannedEvents;
    return {
      population: p.population as ZPath['population'], endpoint: p.endpoint as ZPath['endpoint'], alpha: p.alpha,
      plannedEvents: typeof planned === 'number' && Number.isFinite(planned) ? planned : null,
      looks: mine.flatMap((e) => (e.z === null || e.boundaryZ === null || e.informationFraction === null ? []
        : [{ look: e.look, cutoff: e.cutoff, informationFraction: e.informationFraction, z: e.z, boundary: e.boundaryZ, events: e.events }])),
      notEstimable: notEstimableReason(mine.find((e) => e.cutoff === cutoff)),
    };
  });
}

const ALERT_KIND: Readonly<Record<string, AlertKind>> = { boundary: 'boundaryCrossing', departure: 'departureFromPublished', drift: 'drift', validity: 'validity' };
const VALIDITY: Readonly<Record<string, ValidityReason>> = {
  'non-proportional-hazards': 'phViolation', 'firth-fallback': 'firthFallback', 'iptw-imbalance': 'iptwImbalance', 'low-effective-sample-size': 'lowEffectiveSampleSize',
};

function reportAlert(a: StoredAlert, estimates: readonly StoredEstimate[], plan: AnalysisPlan): ReportAlert {
  const kind = ALERT_KIND[a.rule];
  if (kind === undefined) throw new Error(`alert ${a.id}: unknown rule ${JSON.stringify(a.rule)}`);
  const num = (k: string) => finiteNumber(a.evidence[k]);
  const est = estimates.find((e) => monitoringPort(e) && sameEstimand(e, a));
  const estimated = est !== undefined && est.hr !== null && est.lower !== null && est.upper !== null && est.z !== null;
  const issues = Array.isArray(a.evidence.issues) ? (a.evidence.issues as unknown[]) : [];
  return {
    kind, population: a.population as Population, endpoint: a.endpoint as EndpointId, alertId: a.id,
    evidence: {
      hr: estimated ? est.hr : null,
      naive: estimated && est.lower !== null && est.upper !== null ? { lower: est.lower, upper: est.upper } : null,
      repeated: est && est.repeatedLower !== null && est.repeatedUpper !== null ? { lower: est.repeatedLower, upper: est.repeatedUpper } : null,
      z: estimated ? est.z : null,
      boundary: est?.boundaryZ ?? null, informationFraction: est?.informationFraction ?? null,
      events: est && est.eventsPtr !== null && est.eventsPort !== null ? { ptr: est.eventsPtr, port: est.eventsPort } : null,
      notComputed: estimated ? null : notEstimableReason(est) ?? 'no monitoring estimate at this look',
      driftZ: num('driftZ'), driftThreshold: kind === 'drift' ? plan.thresholds.driftZ : null,
      publishedHr: num('paperHr'),
      validityReasons: issues.flatMap((i) => (typeof i === 'string' && VALIDITY[i] !== undefined ? [VALIDITY[i]] : [])),
    },
  };
}

function eventsByType(ledger: EventLedger): EventTypeFlow[] {
  return EVENT_TYPES.map((type) => ({ type, ...ledger.byType[type] }));
}

function dataQuality(source: ReportSource): DataQuality {
  const rows = source.rows;
  const complete = (r: AnalysisRow) => r.tCategory !== null && r.nCategory !== null && r.tnbc !== null && r.metastasisCount !== null && r.boneOnly !== null;
  const centres = new Map<string, AnalysisRow[]>();
  for (const r of rows) {
    const key = r.centre ?? '(none)';
    const members = centres.get(key) ?? [];
    members.push(r);
    centres.set(key, members);
  }
  const missing = (covariate: DataQuality['missingCovariates'][number]['covariate'], f: (r: AnalysisRow) => unknown) => ({ covariate, missing: rows.filter((r) => f(r) === null).length, ofPatients: rows.length });
  return {
    overdueFollowUp: source.dataQuality.overdueFollowUp,
    missingCovariates: [
      missing('ageAtPtr', (r) => r.ageAtPtr), missing('tCategory', (r) => r.tCategory), missing('nCategory', (r) => r.nCategory),
      missing('tnbc', (r) => r.tnbc), missing('metastasisCount', (r) => r.metastasisCount), missing('metastaticBurden', (r) => r.metastaticBurden),
      missing('metastaticSite', (r) => r.boneOnly), missing('chemotherapy', (r) => r.chemotherapy),
    ],
    rejectedEvents: [...source.ledger.rejections.entries()].map(([reason, v]) => ({ reason, total: v.total, sincePrevious: v.sincePrevious })),
    conflictingEvents: [...source.ledger.conflicts.entries()].map(([reason, v]) => ({ reason, total: v.total, sincePrevious: v.sincePrevious })),
    centres: [...centres.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([centre, members]) => ({
      centreLabel: centre, patients: members.length, completeCovariates: members.filter(complete).length,
      currentFollowUp: members.filter((r) => source.dataQuality.currentFollowUp.has(r.patientId)).length,
    })),
  };
}

export function assembleReportInput(source: ReportSource): ReportInput {
  const { run } = source;
  const { plan } = run;
  const estimates = source.estimates.filter((e) => e.cutoff === run.cutoff);
  const before = source.previousCutoff === null ? [] : source.estimates.filter((e) => e.cutoff === source.previousCutoff);
  const previousNaive = new Map(before.filter((e) => monitoringPort(e) && e.lower !== null && e.upper !== null)
    .map((e) => [`${e.population}/${e.endpoint}`, (e.lower !== null && e.lower > 1) || (e.upper !== null && e.upper < 1)]));
  const results = run.results;
  // A subgroup with no patient is absent from the run's tally: its count is 0, not unknown.
  const group = (g: string) => results.patientsByGroup[g] ?? 0;
  const populationRows = (p: Population) => (p === 'all' ? source.rows : source.rows.filter((r) => r.group === p));
  const curvesOf = (p: string, e: string) => results.curves.filter((c) => c.population === p && c.endpoint === e);
  const followUpOf = (p: Population): FollowUpSummary | null => {
    const f = results.followUp.find((x) => x.population === p);
    if (f === undefined) return null;
    return {
      population: p, n: f.n, medianMonths: monthsOrNull(f.medianDays), lower: monthsOrNull(f.lowerDays), upper: monthsOrNull(f.upperDays),
      q1Months: 'q1Days' in f ? monthsOrNull(f.q1Days) : null, q3Months: 'q3Days' in f ? monthsOrNull(f.q3Days) : null,
    };
  };
  const ledger = source.ledger;

  return {
    meta: {
      title: source.title, cutoff: run.cutoff, previousCutoff: source.previousCutoff, look: run.look,
      planVersion: run.planVersion, codeVersion: run.codeVersion, dataHash: run.datasetHash, runId: String(run.id), generatedAt: source.generatedAt.toISOString(),
    },
    privacy: { smallCellMin: source.smallCellMin },
    flow: {
      patientsPrevious: ledger.patientsPrevious, patientsCurrent: ledger.patientsCurrent,
      newRegistrations: ledger.newRegistrations, removedPatients: ledger.removedPatients,
      patientsByGroup: { group1: group('group1'), group2: group('group2'), group3: group('group3'), unclassified: group('unclassified') },
      eventsByType: eventsByType(ledger),
      endpointEvents: estimates.filter(monitoringPort).map((e) => ({
        population: e.population, endpoint: e.endpoint, current: e.events,
        previous: before.find((b) => monitoringPort(b) && sameEstimand(b, e))?.events ?? null,
      })),
    },
    baseline: POPULATIONS.map((p) => baselineTable(p, populationRows(p), plan)),
    followUp: POPULATIONS.flatMap((p) => { const f = followUpOf(p); return f === null ? [] : [f]; }),
    survival: POPULATIONS.flatMap((p) => (['os', 'pfs'] as const).flatMap((e: SurvivalEndpoint): SurvivalCurves[] => {
      const c = curvesOf(p, e);
      return c.length === 0 ? [] : [{ kind: 'survival', population: p, endpoint: e, arms: c.map(armCurve), riskTable: riskTable(c), landmarks: landmarks(c), comparison: comparison(results.curveTests, p, e, 'logRank') }];
    })),
    incidence: POPULATIONS.flatMap((p) => (['lrr', 'dp'] as const).flatMap((e: IncidenceEndpoint): IncidenceCurves[] => {
      const c = curvesOf(p, e);
      return c.length === 0 ? [] : [{ kind: 'incidence', population: p, endpoint: e, arms: c.map(armCurve), riskTable: riskTable(c), landmarks: landmarks(c), comparison: comparison(results.curveTests, p, e, 'gray') }];
    })),
    models: modelTables(estimates),
    forest: forestRows(estimates, previousNaive),
    notEstimated: plan.populations.flatMap((p) => plan.endpoints.flatMap((e) => {
      const est = estimates.find((x) => monitoringPort(x) && x.population === p.id && x.endpoint === e.id);
      if (est !== undefined && est.hr !== null && est.lower !== null && est.upper !== null) return [];
      return [{ population: p.id, endpoint: e.id, reason: notEstimableReason(est) ?? 'no finite estimate' }];
    })),
    zPaths: zPaths(source.estimates, plan, run.cutoff),
    boundaryTables: source.boundaryTables,
    sensitivity: sensitivity(estimates),
    dataQuality: dataQuality(source),
    alerts: source.alerts.map((a) => reportAlert(a, estimates, plan)),
  };
}
