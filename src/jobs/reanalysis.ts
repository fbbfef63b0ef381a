import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import { evaluateAlerts, INITIAL_RULE_STATE } from '../analysis/alerts/index.ts';
import type { AlertDecision } from '../analysis/alerts/index.ts';
import { describePlan } from '../analysis/plan.ts';
import type { AnalysisPlan } from '../analysis/plan.ts';
import type { PlanRow } from '../analysis/planRow.ts';
import { publishedPortHr } from '../analysis/published.ts';
import { estimandKey } from '../analysis/runResult.ts';
import type { EstimateRecord, PlanRunResult, PreviousFractions } from '../analysis/runResult.ts';
import { alertId } from '../notify/alertId.ts';
import { enqueueAlertMails } from '../notify/enqueueAlertMails.ts';
import { codeVersion } from './codeVersion.ts';
import { checkLookCutoff, CutoffError, DEFAULT_LOOK_SCHEDULE } from '../analysis/lookSchedule.ts';
import type { LookSchedule } from '../analysis/lookSchedule.ts';
import { datasetHash } from '../analysis/datasetHash.ts';
import { loadPreviousLooks, toLookEstimate } from './previousLooks.ts';
import { runPlanInThread } from './runPlanInThread.ts';

export type DatasetLoader = (db: Kysely<Database>, cutoff: string) => Promise<readonly PlanRow[]>;

export interface ReanalysisDeps {
  readonly db: Kysely<Database>;
  readonly plan: AnalysisPlan;
  readonly loadDataset: DatasetLoader;
  readonly smallCellMin: number;
  readonly alertFrom: string;
  /** Runs the CPU-heavy plan; defaults to a worker thread. */
  readonly runPlan?: (rows: readonly PlanRow[], previousFractions: PreviousFractions) => Promise<PlanRunResult>;
  /** Which cutoffs are looks (REANALYSIS_CRON/TZ); default quarter ends in UTC. */
  readonly schedule?: LookSchedule;
  /** The clock a cutoff is checked against (a cutoff must be a day that is over). */
  readonly now?: () => Date;
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

export interface StoredAlert {
  readonly id: string;
  readonly population: string;
  readonly endpoint: string;
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

const lockKey = (planVersion: string) => `cohortwatch-reanalysis:${planVersion}`;

/** Serialises everything that changes the look history of a plan (looks, voids) for this transaction. */
export async function lockLookHistory(trx: Transaction<Database>, planVersion: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${lockKey(planVersion)}))`.execute(trx);
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
  const { plan } = deps;
  const started = performance.now();
  return deps.db.transaction().execute(async (trx) => {
    await lockLookHistory(trx, plan.version);
    const existing = await trx.selectFrom('analysis_runs').selectAll()
      .where('cutoff', '=', cutoff).where('plan_version', '=', plan.version)
      .where('status', '=', 'completed').where('voided_at', 'is', null).executeTakeFirst();
    if (existing) return existingOutcome(trx, existing);
    const previous = await loadPreviousLooks(trx, plan.version);
    const latest = previous.runs.at(-1);
    if (latest && latest.cutoff > cutoff) {
      throw new OutOfOrderCutoffError(`cutoff ${cutoff} precedes the latest analysed cutoff ${latest.cutoff} (plan ${plan.version}); looks are taken in calendar order (void that look first: cohortwatch looks void ${latest.cutoff})`);
    }
    const look = previous.runs.length + 1;
    onLook(look);
    // A cutoff analysed again after its earlier run was voided gets new alert ids (and Message-IDs).
    const voided = await trx.selectFrom('analysis_runs').select((eb) => eb.fn.countAll<string>().as('n'))
      .where('cutoff', '=', cutoff).where('plan_version', '=', plan.version).where('status', '=', 'completed')
      .where('voided_at', 'is not', null).executeTakeFirstOrThrow();
    const revision = Number(voided.n);
    const t0 = performance.now();
    const rows = await deps.loadDataset(trx, cutoff);
    const tLoad = performance.now();
    const hash = datasetHash(rows);
    const tHash = performance.now();
    const result = deps.runPlan
      ? await deps.runPlan(rows, previous.fractions)
      : await runPlanInThread({ planVersion: plan.version, rows, previousFractions: previous.fractions });
    const tPlan = performance.now();

    const decisions: { record: EstimateRecord; decision: AlertDecision }[] = [];
    const estimates = result.estimates.map((record) => {
      if (record.model !== 'monitoring' || record.term !== 'port') return record;
      const current = toLookEstimate(record, look, cutoff);
      if (current === null) return record;
      const before = previous.last.get(estimandKey(record.population, record.endpoint));
      const evaluation = evaluateAlerts({
        current, previous: before?.estimate ?? null, state: before?.state ?? INITIAL_RULE_STATE,
        paperHr: record.primary ? publishedPortHr(record.population, record.endpoint)?.hr ?? null : null,
        thresholds: plan.thresholds,
      });
      // Effect alerts watch the primary estimands only (the family the alpha is spent over); the other
      // estimands are reported, and their validity problems alert, but their effects never do.
      for (const decision of evaluation.decisions) {
        if (record.primary || decision.rule === 'validity') decisions.push({ record, decision });
      }
      return {
        ...record,
        details: { ...record.details, ruleState: evaluation.state, naiveExcludesOne: evaluation.naiveExcludesOne, gatedBecause: evaluation.gatedBecause },
      };
    });
    const tAlerts = performance.now();

    const run = await trx.insertInto('analysis_runs').values({
      cutoff, plan_version: plan.version, code_version: codeVersion(), status: 'completed', look,
      dataset_hash: hash, patients: result.patients, plan: JSON.stringify(describePlan(plan)),
      results: JSON.stringify({ patientsByGroup: result.patientsByGroup, curves: result.curves, curveTests: result.curveTests, followUp: result.followUp }),
      timings: JSON.stringify({
        loadMs: tLoad - t0, hashMs: tHash - tLoad, planMs: tPlan - tHash, alertsMs: tAlerts - tPlan,
        ...Object.fromEntries(Object.entries(result.timingsMs).map(([k, v]) => [`plan.${k}`, v])),
      }),
      finished_at: new Date(),
    }).returning('id').executeTakeFirstOrThrow();
    await insertEstimates(trx, run.id, estimates);

    const alerts: StoredAlert[] = decisions.map(({ record, decision }) => ({
      id: alertId({ planVersion: plan.version, cutoff, population: record.population, endpoint: record.endpoint, rule: decision.rule, revision }),
      population: record.population, endpoint: record.endpoint, rule: decision.rule, status: decision.status, summary: decision.summary,
    }));
    if (alerts.length > 0) {
      await trx.insertInto('alerts').values(decisions.map(({ decision }, k) => ({
        id: alerts[k].id, run_id: run.id, population: alerts[k].population, endpoint: alerts[k].endpoint,
        rule: decision.rule, status: decision.status, summary: decision.summary, evidence: JSON.stringify(decision.evidence),
      }))).execute();
    }
    const outboxIds = await enqueueAlertMails(trx, {
      alerts: alerts.filter((a) => a.status === 'fired'), estimates, cutoff, look, planVersion: plan.version,
      smallCellMin: deps.smallCellMin, alertFrom: deps.alertFrom,
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
 * and code version, when. Best effort: when the database itself is what failed, there is nowhere to
 * write, and the queue's failed job is the record.
 */
async function recordFailedLook(deps: ReanalysisDeps, cutoff: string, look: number | null, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await deps.db.insertInto('analysis_runs').values({
    cutoff, plan_version: deps.plan.version, code_version: codeVersion(), status: 'failed', look: look ?? 0,
    plan: JSON.stringify(describePlan(deps.plan)), error: message.slice(0, 2000), finished_at: new Date(),
  }).execute().catch(() => undefined);
}

async function insertEstimates(trx: Transaction<Database>, runId: number, estimates: readonly EstimateRecord[]): Promise<void> {
  const values = estimates.map((e) => ({
    run_id: runId, population: e.population, endpoint: e.endpoint, model: e.model, term: e.term, is_primary: e.primary,
    n: e.n, events: e.events, events_port: e.eventsPort, events_no_port: e.eventsNoPort,
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
  const outbox = await trx.selectFrom('mail_outbox').select('id').where('alert_id', 'in', alerts.length > 0 ? alerts.map((a) => a.id) : ['']).execute();
  return { runId: run.id, cutoff: run.cutoff, look: run.look, created: false, datasetHash: run.dataset_hash, patients: run.patients, alerts, outboxIds: outbox.map((o) => o.id) };
}
