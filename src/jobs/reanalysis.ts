import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import { monitorLook } from '../analysis/monitoring/index.ts';
import type { EstimandLook } from '../analysis/monitoring/index.ts';
import { describePlan } from '../analysis/plan.ts';
import type { AnalysisPlan, EndpointId, PopulationId } from '../analysis/plan.ts';
import type { PlanRow } from '../analysis/planRow.ts';
import type { EstimateRecord, PlanRunResult } from '../analysis/runResult.ts';
import { alertId } from '../notify/alertId.ts';
import { enqueueDigests } from '../notify/enqueueDigests.ts';
import { applyLookToSignals } from './signalStore.ts';
import { codeVersion } from './codeVersion.ts';
import { checkLookCutoff, CutoffError, DEFAULT_LOOK_SCHEDULE } from '../analysis/lookSchedule.ts';
import type { LookSchedule } from '../analysis/lookSchedule.ts';
import { datasetHash } from '../analysis/datasetHash.ts';
import { planAt } from './planAmendments.ts';
import { loadPreviousLooks, lookHistoryRuns } from './previousLooks.ts';
import { runPlanInThread } from './runPlanInThread.ts';

export type DatasetLoader = (db: Kysely<Database>, cutoff: string) => Promise<readonly PlanRow[]>;

export interface ReanalysisDeps {
  readonly db: Kysely<Database>;
  /** The shipped plan: it judges every look until an amendment (plan_amendments) takes effect. */
  readonly plan: AnalysisPlan;
  readonly loadDataset: DatasetLoader;
  readonly smallCellMin: number;
  readonly alertFrom: string;
  /** Runs the CPU-heavy plan (the one in force at the cutoff); defaults to a worker thread. */
  readonly runPlan?: (rows: readonly PlanRow[], plan: AnalysisPlan) => Promise<PlanRunResult>;
  /** Which cutoffs are looks (REANALYSIS_CRON/TZ); default quarter ends in UTC. */
  readonly schedule?: LookSchedule;
  /** The clock a cutoff is checked against (a cutoff must be a day that is over), and signal reminders. */
  readonly now?: () => Date;
  /** SIGNAL_REMINDER_DAYS (default 14). */
  readonly reminderDays?: number;
  /** REPORT_BASE_URL: the digest links the look's report when set. */
  readonly reportBaseUrl?: string | null;
}

export interface ReanalyzeOptions {
  /** An extra look off the schedule, asked for explicitly (`reanalyze --unscheduled`). */
  readonly unscheduled?: boolean;
  /**
   * Store a failure as a 'failed' run (what `status`, /healthz and the automatic retry read). The queue
   * sets it on a job's last attempt only, so a transient error that a retry fixes leaves no trace.
   */
  readonly recordFailure?: boolean;
}

const DEFAULT_REMINDER_DAYS = 14;

export interface StoredAlert {
  readonly id: string;
  readonly population: PopulationId;
  readonly endpoint: EndpointId;
  readonly rule: string;
  readonly status: 'fired' | 'held';
  readonly summary: string;
}

export interface ReanalysisOutcome {
  readonly runId: number;
  readonly cutoff: string;
  readonly look: number;
  /** False when this cutoff had already been analysed under this plan (nothing was recomputed). */
  readonly created: boolean;
  readonly datasetHash: string | null;
  readonly patients: number | null;
  readonly alerts: StoredAlert[];
  readonly outboxIds: number[];
}

/** The cutoff is earlier than one already analysed: looks must be taken in calendar order. */
export class OutOfOrderCutoffError extends CutoffError {}

/**
 * Serialises everything that changes the look history (looks, voids, plan amendments) for this
 * transaction. One lock whatever the plan version: an amendment changes the version, not the registry's
 * look sequence. (The version argument is kept for the callers that name the plan they act on.)
 */
export async function lockLookHistory(trx: Transaction<Database>, _planVersion?: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${'cohortwatch-reanalysis'}))`.execute(trx);
}

/**
 * One look of the sequential monitoring: check the cutoff (a past day on the schedule, or an explicit
 * extra look), load the dataset as of the cutoff, run the plan off the main thread, store the run, every
 * estimate, the alerts and their outbox mails in one transaction. A transaction-scoped advisory lock per
 * plan serialises looks (and voids), and the one live (completed, not voided) run per (cutoff, plan
 * version) makes a second request for the same cutoff return the stored run: one run per cutoff however
 * many schedulers and workers ask. A crash before commit leaves nothing behind; the retry starts afresh.
 * A failure other than a refused cutoff is stored as a 'failed' run when `recordFailure` (default).
 */
export async function reanalyze(deps: ReanalysisDeps, cutoffInput: string, options: ReanalyzeOptions = {}): Promise<ReanalysisOutcome> {
  const cutoff = checkLookCutoff(cutoffInput, {
    now: (deps.now ?? (() => new Date()))(), schedule: deps.schedule ?? DEFAULT_LOOK_SCHEDULE, unscheduled: options.unscheduled ?? false,
  });
  let look: number | null = null;
  try {
    return await takeLook(deps, cutoff, (n) => { look = n; });
  } catch (error) {
    if (!(error instanceof CutoffError) && (options.recordFailure ?? true)) await recordFailedLook(deps, cutoff, look, error);
    throw error;
  }
}

async function takeLook(deps: ReanalysisDeps, cutoff: string, onLook: (look: number) => void): Promise<ReanalysisOutcome> {
  const started = performance.now();
  return deps.db.transaction().execute(async (trx) => {
    await lockLookHistory(trx);
    const existing = await lookHistoryRuns(trx).selectAll('analysis_runs').where('analysis_runs.cutoff', '=', cutoff).executeTakeFirst();
    if (existing) return existingOutcome(trx, existing);
    const plan = await planAt(trx, cutoff, deps.plan);
    const previous = await loadPreviousLooks(trx);
    const latest = previous.runs.at(-1);
    if (latest && latest.cutoff > cutoff) {
      throw new OutOfOrderCutoffError(`cutoff ${cutoff} precedes the latest analysed cutoff ${latest.cutoff} (plan ${plan.version}); looks are taken in calendar order (void that look first: cohortwatch looks void ${latest.cutoff})`);
    }
    const look = previous.runs.length + 1;
    onLook(look);
    // A cutoff analysed again after its earlier run was voided gets new alert ids (and Message-IDs).
    const voided = await trx.selectFrom('analysis_runs').select((eb) => eb.fn.countAll<string>().as('n'))
      .where('cutoff', '=', cutoff).where('status', '=', 'completed')
      .where('voided_at', 'is not', null).executeTakeFirstOrThrow();
    const revision = Number(voided.n);
    const t0 = performance.now();
    const rows = await deps.loadDataset(trx, cutoff);
    const tLoad = performance.now();
    const hash = datasetHash(rows);
    const tHash = performance.now();
    const result = deps.runPlan
      ? await deps.runPlan(rows, plan)
      : await runPlanInThread({ document: plan.document, rows });
    const tPlan = performance.now();

    // THE monitoring function (src/analysis/monitoring): boundaries, alert rules, states, with the history
    // the earlier (live) looks left.
    const monitored = monitorLook(plan, { cutoff, look, estimates: result.estimates }, previous.history);
    const { estimates, decisions } = monitored;
    const tAlerts = performance.now();

    const run = await trx.insertInto('analysis_runs').values({
      cutoff, plan_version: plan.version, plan_hash: plan.hash, code_version: codeVersion(), status: 'completed', look,
      dataset_hash: hash, patients: result.patients, plan: JSON.stringify(describePlan(plan)),
      results: JSON.stringify({ patientsByGroup: result.patientsByGroup, curves: result.curves, curveTests: result.curveTests, followUp: result.followUp }),
      timings: JSON.stringify({
        loadMs: tLoad - t0, hashMs: tHash - tLoad, planMs: tPlan - tHash, alertsMs: tAlerts - tPlan,
        ...Object.fromEntries(Object.entries(result.timingsMs).map(([k, v]) => [`plan.${k}`, v])),
      }),
      finished_at: new Date(),
    }).returning('id').executeTakeFirstOrThrow();
    await insertEstimates(trx, run.id, estimates);
    await insertMonitoringLooks(trx, run.id, monitored.looks);

    const alerts: StoredAlert[] = decisions.map(({ population, endpoint, decision }) => ({
      id: alertId({ planVersion: plan.version, cutoff, population, endpoint, rule: decision.rule, revision }),
      population, endpoint, rule: decision.rule, status: decision.status, summary: decision.summary,
    }));
    if (alerts.length > 0) {
      await trx.insertInto('alerts').values(decisions.map(({ decision }, k) => ({
        id: alerts[k].id, run_id: run.id, population: alerts[k].population, endpoint: alerts[k].endpoint,
        rule: decision.rule, status: decision.status, summary: decision.summary, evidence: JSON.stringify(decision.evidence),
      }))).execute();
    }
    const signals = await applyLookToSignals(trx, {
      runId: run.id, look, cutoff, planVersion: plan.version, alerts, estimates, looks: monitored.looks,
      now: (deps.now ?? (() => new Date()))(), reminderDays: deps.reminderDays ?? DEFAULT_REMINDER_DAYS,
    });
    const outboxIds = await enqueueDigests(trx, {
      runId: run.id, look, cutoff, planVersion: plan.version, revision, signals, estimates,
      smallCellMin: deps.smallCellMin, alertFrom: deps.alertFrom, reportBaseUrl: deps.reportBaseUrl ?? null,
    });
    const totalMs = performance.now() - started;
    await trx.updateTable('analysis_runs')
      .set({ timings: sql<string>`timings || ${JSON.stringify({ storeMs: performance.now() - tAlerts, totalMs })}::jsonb` })
      .where('id', '=', run.id).execute();
    return { runId: run.id, cutoff, look, created: true, datasetHash: hash, patients: result.patients, alerts, outboxIds };
  });
}

/**
 * Stores a failed attempt as a 'failed' run (outside the rolled-back transaction): the error, the plan
 * that judges the cutoff (planAt: after an amendment, the amended one) and code version, when. Best
 * effort: when the database itself is what failed, there is nowhere to write, and the queue's failed
 * job is the record.
 */
async function recordFailedLook(deps: ReanalysisDeps, cutoff: string, look: number | null, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  try {
    const plan = await planAt(deps.db, cutoff, deps.plan);
    await deps.db.insertInto('analysis_runs').values({
      cutoff, plan_version: plan.version, code_version: codeVersion(), status: 'failed', look: look ?? 0,
      plan: JSON.stringify(describePlan(plan)), error: message.slice(0, 2000), finished_at: new Date(),
    }).execute();
  } catch {
    // Nowhere to write (see above).
  }
}

async function insertMonitoringLooks(trx: Transaction<Database>, runId: number, looks: readonly EstimandLook[]): Promise<void> {
  if (looks.length === 0) return;
  await trx.insertInto('monitoring_looks').values(looks.map((l) => ({
    run_id: runId, population: l.population, endpoint: l.endpoint, plan_version: l.planVersion, family: l.family, state: l.state, side: l.side,
    events: l.events, max_events: l.maxEvents, information_fraction: finite(l.informationFraction), alpha: l.alpha, alpha_spent: l.alphaSpent,
    boundary_z: finite(l.boundaryZ), boundary_hr_lower: finite(l.boundaryHrLower), boundary_hr_upper: finite(l.boundaryHrUpper),
    coef: finite(l.coef), se: finite(l.se), hr: finite(l.hr), z: finite(l.z), repeated_lower: finite(l.repeatedLower), repeated_upper: finite(l.repeatedUpper),
    conditional_power_trend: finite(l.conditionalPower.trend), conditional_power_design: finite(l.conditionalPower.design),
    statement: l.statement, note: l.note,
  }))).execute();
}

async function insertEstimates(trx: Transaction<Database>, runId: number, estimates: readonly EstimateRecord[]): Promise<void> {
  const values = estimates.map((e) => ({
    run_id: runId, population: e.population, endpoint: e.endpoint, model: e.model, term: e.term, is_primary: e.primary,
    n: e.n, events: e.events, events_port: e.eventsPort, events_no_port: e.eventsPtr,
    coef: finite(e.coef), se: finite(e.se), hr: finite(e.hr), lower: finite(e.lower), upper: finite(e.upper), z: finite(e.z), p: finite(e.p),
    information_fraction: e.informationFraction, boundary_z: finite(e.boundaryZ),
    repeated_lower: finite(e.repeatedLower), repeated_upper: finite(e.repeatedUpper), details: JSON.stringify(e.details),
  }));
  for (let i = 0; i < values.length; i += 500) await trx.insertInto('analysis_estimates').values(values.slice(i, i + 500)).execute();
}

// PostgreSQL double precision holds Infinity, but JSON consumers and the report do not: store null.
const finite = (x: number | null) => (x === null || !Number.isFinite(x) ? null : x);

async function existingOutcome(trx: Transaction<Database>, run: { id: number; cutoff: string; look: number; dataset_hash: string | null; patients: number | null }): Promise<ReanalysisOutcome> {
  const alerts = await trx.selectFrom('alerts').select(['id', 'population', 'endpoint', 'rule', 'status', 'summary'])
    .where('run_id', '=', run.id).orderBy('id').execute();
  const outbox = await trx.selectFrom('mail_outbox').select('id').where('run_id', '=', run.id).orderBy('id').execute();
  return {
    runId: run.id, cutoff: run.cutoff, look: run.look, created: false, datasetHash: run.dataset_hash, patients: run.patients,
    alerts: alerts.map((a) => ({ ...a, population: a.population as PopulationId, endpoint: a.endpoint as EndpointId })), outboxIds: outbox.map((o) => o.id),
  };
}
