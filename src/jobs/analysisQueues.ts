// BullMQ queues and workers of the reanalysis and the alert mail, built from the same QueueConfig as
// the pipeline's queues (src/workers/queue.ts) so they share connection settings and key prefix.
import { join } from 'node:path';
import { UnrecoverableError } from 'bullmq';
import type { Job } from 'bullmq';
import type { Kysely } from 'kysely';
import type { Transporter } from 'nodemailer';
import { pino } from 'pino';
import type { JobMetrics } from '../metrics/jobMetrics.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logging/logger.ts';
import { createQueue, createWorker } from '../workers/queue.ts';
import type { BullQueue, ManagedWorker, QueueConfig } from '../workers/queue.ts';
import { deliverOutboxMail } from '../notify/deliverOutbox.ts';
import { DEFAULT_RETRY } from '../notify/retryBackoff.ts';
import type { RetryPolicy } from '../notify/retryBackoff.ts';
import { cutoffOfFiring, CutoffError, DEFAULT_LOOK_SCHEDULE } from '../analysis/lookSchedule.ts';
import { databaseKey } from './databaseKey.ts';
import { reanalyze } from './reanalysis.ts';
import { writeQuarterlyReport } from './quarterlyReport.ts';
import type { ReanalysisDeps, ReanalysisOutcome } from './reanalysis.ts';
import { sweepAlertingPath } from './alertingSweep.ts';

export const REANALYSIS_QUEUE = 'reanalysis';
export const MAIL_QUEUE = 'alert-mail';
export const SCHEDULER_ID = 'reanalysis-quarterly';

/** A look request; `databaseKey` names the database it was asked for (databaseKey.ts). */
export type ReanalysisJobData = { cutoff?: string; unscheduled?: boolean; databaseKey?: string };
export type MailJobData = { outboxId: number; databaseKey?: string };

export function createReanalysisQueue(config: QueueConfig): BullQueue<ReanalysisJobData> {
  return createQueue<ReanalysisJobData>(config, REANALYSIS_QUEUE, {
    attempts: config.attempts, backoff: { type: 'exponential', delay: config.backoffMs }, removeOnComplete: { age: 7 * 86_400 }, removeOnFail: { age: 30 * 86_400 },
  });
}

/**
 * Mail jobs are removed when they finish either way: the outbox row, not the queue, is the record
 * (sent, or failed with its next retry), so a job id is free again for the next retry round.
 */
export function createMailQueue(config: QueueConfig): BullQueue<MailJobData> {
  return createQueue<MailJobData>(config, MAIL_QUEUE, {
    attempts: config.attempts, backoff: { type: 'exponential', delay: config.backoffMs }, removeOnComplete: true, removeOnFail: true,
  });
}

/** The job id of a cutoff's look in one database: the same for every scheduler and every request. */
export const reanalysisJobId = (dbKey: string, cutoff: string, planVersion: string) => `look-${dbKey}-${cutoff}-${planVersion}`;
const mailJobId = (dbKey: string, outboxId: number) => `mail-${dbKey}-${outboxId}`;

export interface EnqueueLookOptions {
  readonly unscheduled?: boolean;
  /** Replace a failed job of this cutoff by a new one (`reanalyze --retry`, the automatic retry). */
  readonly retry?: boolean;
}

/**
 * Enqueues the look of `cutoff` for this database. A job that is still waiting or running is returned
 * as it is; a completed job stands for its run only while that run is this database's live look of the
 * cutoff (not voided); a failed job is replaced when `retry` is set, else returned (its failure is the answer).
 */
export async function enqueueReanalysis(
  queue: BullQueue<ReanalysisJobData>, db: Kysely<Database>, cutoff: string, planVersion: string, options: EnqueueLookOptions = {},
): Promise<Job<ReanalysisJobData>> {
  const key = await databaseKey(db);
  const jobId = reanalysisJobId(key, cutoff, planVersion);
  const existing = await queue.getJob(jobId) as Job<ReanalysisJobData> | undefined;
  if (existing) {
    const state = await existing.getState();
    let stale = false;
    if (state === 'completed') {
      const runId = (existing.returnvalue as Partial<ReanalysisOutcome> | null)?.runId;
      const live = await db.selectFrom('analysis_runs').select('id').where('cutoff', '=', cutoff).where('plan_version', '=', planVersion)
        .where('status', '=', 'completed').where('voided_at', 'is', null).executeTakeFirst();
      stale = live === undefined || live.id !== runId;
    } else if (state === 'failed') {
      stale = options.retry === true;
    }
    if (!stale) return existing;
    await existing.remove();
  }
  return await queue.add('reanalyze', { cutoff, unscheduled: options.unscheduled ?? false, databaseKey: key }, { jobId }) as Job<ReanalysisJobData>;
}

/** Registers (or updates: same id, one scheduler) the cron that fires the quarterly reanalysis. */
export async function registerReanalysisScheduler(queue: BullQueue<ReanalysisJobData>, pattern: string, tz: string): Promise<void> {
  await queue.upsertJobScheduler(SCHEDULER_ID, { pattern, tz }, { name: 'tick', data: {} });
}

/** Hands outbox rows to the mail queue; the job id per database and row makes re-enqueueing harmless. */
export async function enqueueMails(queue: BullQueue<MailJobData>, db: Kysely<Database>, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  const key = await databaseKey(db);
  await queue.addBulk(ids.map((outboxId) => ({ name: 'send', data: { outboxId, databaseKey: key }, opts: { jobId: mailJobId(key, outboxId) } })));
}

export interface AnalysisWorkersOptions {
  readonly config: QueueConfig;
  readonly deps: ReanalysisDeps;
  readonly transport: Transporter;
  readonly alertFrom: string;
  /** BullMQ lock duration (ms); default BullMQ's 30 s. Tests shorten it to recover a killed worker fast. */
  readonly lockDuration?: number;
  readonly stalledInterval?: number;
  /** When set, each new run's quarterly report is written to `<reportDir>/<cutoff>/` (with the PDF). */
  readonly reportDir?: string;
  /** Where a report that could not be written is logged (the run itself stands). */
  readonly onReportError?: (cutoff: string, error: unknown) => void;
  /** Backoff of mail and looks whose queue attempts ran out (default 1 min doubling, capped at 1 h). */
  readonly retry?: RetryPolicy;
  /** How often the outbox and failed looks are swept (default 60 s); the first sweep runs at start. */
  readonly sweepIntervalMs?: number;
  /** Operators' address for notices (look failed, mail pending over a day). */
  readonly opsEmail?: string;
  /** Where the workers' job lines and errors go (src/workers/queue.ts lifecycle); silent when unset. */
  readonly logger?: Logger;
  /** Counts and times the workers' jobs (the scheduler's /metrics). */
  readonly metrics?: JobMetrics;
}

export interface AnalysisWorkers {
  readonly reanalysis: ManagedWorker<ReanalysisJobData>;
  readonly mail: ManagedWorker<MailJobData>;
  readonly reanalysisQueue: BullQueue<ReanalysisJobData>;
  readonly mailQueue: BullQueue<MailJobData>;
  /** Runs one sweep now (also what the timer runs). */
  sweep(): Promise<void>;
  close(timeoutMs?: number): Promise<void>;
}

/**
 * When the scheduler fired a tick. Not the job's timestamp: BullMQ creates the next repeat job, delayed,
 * when the previous one runs, so `timestamp` is the previous firing (a quarter earlier) and `delay`
 * reads 0 once the job is processed. The firing is in `opts.prevMillis` and in the id `repeat:<id>:<ms>`.
 */
export function tickFiringTime(job: Pick<Job, 'id' | 'timestamp' | 'opts'>): Date {
  if (typeof job.opts.prevMillis === 'number') return new Date(job.opts.prevMillis);
  const fromId = /^repeat:.*:(\d+)$/.exec(job.id ?? '')?.[1];
  return new Date(fromId === undefined ? job.timestamp : Number(fromId));
}

const isFinalAttempt = (job: Job) => job.attemptsMade + 1 >= (job.opts.attempts ?? 1);

/**
 * The reanalysis worker (ticks of the scheduler become a job per cutoff; a reanalyze job runs one look),
 * the mail worker (one outbox row per job) and the sweep that keeps the alerting path moving: it
 * re-enqueues pending mail, gives mail whose attempts ran out another round when its backoff is over,
 * retries failed looks, and sends operator notices. It runs at start and every `sweepIntervalMs`.
 */
export async function startAnalysisWorkers(options: AnalysisWorkersOptions): Promise<AnalysisWorkers> {
  const { config, deps, transport, alertFrom } = options;
  const db: Kysely<Database> = deps.db;
  const ownKey = await databaseKey(db);
  const reanalysisQueue = createReanalysisQueue(config);
  const mailQueue = createMailQueue(config);
  // Every worker shares the lifecycle of src/workers/queue.ts; close(timeoutMs) sets its shutdown bound.
  let shutdownTimeoutMs = 10_000;
  const lifecycle = {
    logger: options.logger ?? pino({ level: 'silent' }), ...(options.metrics ? { metrics: options.metrics } : {}),
    get shutdownTimeoutMs() { return shutdownTimeoutMs; },
  };
  const retry = options.retry ?? DEFAULT_RETRY;
  const lock = { ...(options.lockDuration ? { lockDuration: options.lockDuration } : {}), ...(options.stalledInterval ? { stalledInterval: options.stalledInterval } : {}) };
  const checkDatabase = (key: string | undefined) => {
    if (key !== undefined && key !== ownKey) {
      throw new UnrecoverableError(`job enqueued for database ${key}, but this worker serves database ${ownKey}: check DATABASE_URL and QUEUE_PREFIX`);
    }
  };

  const reanalysis = createWorker<ReanalysisJobData>(config, REANALYSIS_QUEUE, async (job): Promise<ReanalysisOutcome | { enqueued: string }> => {
    if (job.name === 'tick') {
      const cutoff = cutoffOfFiring(tickFiringTime(job), deps.schedule ?? DEFAULT_LOOK_SCHEDULE);
      await enqueueReanalysis(reanalysisQueue, db, cutoff, deps.plan.version);
      return { enqueued: cutoff };
    }
    if (typeof job.data.cutoff !== 'string') throw new UnrecoverableError('reanalyze job without a cutoff');
    checkDatabase(job.data.databaseKey);
    try {
      const outcome = await reanalyze(deps, job.data.cutoff, { unscheduled: job.data.unscheduled ?? false, recordFailure: isFinalAttempt(job) });
      await enqueueMails(mailQueue, db, outcome.outboxIds);
      if (options.reportDir && outcome.created) {
        await writeQuarterlyReport(db, outcome.cutoff, join(options.reportDir, outcome.cutoff), { smallCellMin: deps.smallCellMin, pdf: true })
          .catch((error: unknown) => options.onReportError?.(outcome.cutoff, error));
      }
      return outcome;
    } catch (error) {
      if (error instanceof CutoffError) throw new UnrecoverableError(error.message);
      throw error;
    }
  }, { concurrency: 1, ...lock }, lifecycle);

  const mail = createWorker<MailJobData>(config, MAIL_QUEUE, async (job) => {
    checkDatabase(job.data.databaseKey);
    const outcome = await deliverOutboxMail(db, transport, alertFrom, job.data.outboxId, { finalAttempt: isFinalAttempt(job), retry });
    if (outcome === 'busy') throw new Error(`outbox mail ${job.data.outboxId} is being sent by another worker`);
    return outcome;
  }, { concurrency: 4, ...lock }, lifecycle);

  let sweeping: Promise<void> = Promise.resolve();
  const sweep = () => {
    sweeping = sweeping.then(() => sweepAlertingPath({
      db, reanalysisQueue, mailQueue, transport, alertFrom, retry,
      ...(options.opsEmail ? { opsEmail: options.opsEmail } : {}), ...(options.logger ? { logger: options.logger } : {}),
    })).then(() => undefined, (error: unknown) => {
      options.logger?.warn({ err: error }, 'alerting sweep failed; next sweep will try again');
    });
    return sweeping;
  };
  await sweep();
  const timer = setInterval(() => void sweep(), options.sweepIntervalMs ?? 60_000);
  timer.unref();
  return {
    reanalysis, mail, reanalysisQueue, mailQueue, sweep,
    async close(timeoutMs = 10_000) {
      clearInterval(timer);
      shutdownTimeoutMs = timeoutMs;
      // Each worker's stop is bounded by timeoutMs (src/workers/queue.ts); so is the sweep in flight.
      await Promise.all([reanalysis.stop(), mail.stop(), Promise.race([sweeping, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())])]);
      // A queue's close waits for its Redis connection: bounded, so a stop never hangs on a dead Redis.
      await Promise.race([Promise.allSettled([reanalysisQueue.close(), mailQueue.close()]), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
    },
  };
}
