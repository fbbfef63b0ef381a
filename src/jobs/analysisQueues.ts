// BullMQ queues and workers of the reanalysis and the alert mail, built from the same QueueConfig as
// the pipeline's queues (src/workers/queue.ts) so they share connection settings and key prefix.
import { join } from 'node:path';
import { UnrecoverableError } from 'bullmq';
import type { Job } from 'bullmq';
import type { Kysely } from 'kysely';
import type { Transporter } from 'nodemailer';
import { pino } from 'pino';
import type { Logger } from '../logging/logger.ts';
import type { JobMetrics } from '../metrics/jobMetrics.ts';
import type { Database } from '../db/database.ts';
import { createQueue, createWorker } from '../workers/queue.ts';
import type { BullQueue, ManagedWorker, QueueConfig } from '../workers/queue.ts';
import { deliverOutboxMail, pendingOutboxIds } from '../notify/deliverOutbox.ts';
import { CutoffError, quarterCutoff } from './cutoff.ts';
import { reanalyze } from './reanalysis.ts';
import { writeQuarterlyReport } from './quarterlyReport.ts';
import type { ReanalysisDeps, ReanalysisOutcome } from './reanalysis.ts';

export const REANALYSIS_QUEUE = 'reanalysis';
export const MAIL_QUEUE = 'alert-mail';
export const SCHEDULER_ID = 'reanalysis-quarterly';

export type ReanalysisJobData = { cutoff?: string };

export function createReanalysisQueue(config: QueueConfig): BullQueue<ReanalysisJobData> {
  return createQueue<ReanalysisJobData>(config, REANALYSIS_QUEUE, {
    attempts: config.attempts, backoff: { type: 'exponential', delay: config.backoffMs }, removeOnComplete: { age: 7 * 86_400 }, removeOnFail: { age: 30 * 86_400 },
  });
}

export function createMailQueue(config: QueueConfig): BullQueue<{ outboxId: number }> {
  return createQueue<{ outboxId: number }>(config, MAIL_QUEUE, {
    attempts: config.attempts, backoff: { type: 'exponential', delay: config.backoffMs }, removeOnComplete: true, removeOnFail: { age: 30 * 86_400 },
  });
}

/** The job id of a cutoff's reanalysis: the same for every scheduler and every request. */
export const reanalysisJobId = (cutoff: string, planVersion: string) => `reanalysis-${cutoff}-${planVersion}`;

export async function enqueueReanalysis(queue: BullQueue<ReanalysisJobData>, cutoff: string, planVersion: string): Promise<Job<ReanalysisJobData>> {
  return queue.add('reanalyze', { cutoff }, { jobId: reanalysisJobId(cutoff, planVersion) });
}

/** Registers (or updates: same id, one scheduler) the cron that fires the quarterly reanalysis. */
export async function registerReanalysisScheduler(queue: BullQueue<ReanalysisJobData>, pattern: string, tz: string): Promise<void> {
  await queue.upsertJobScheduler(SCHEDULER_ID, { pattern, tz }, { name: 'tick', data: {} });
}

/** Hands outbox rows to the mail queue; the job id per row makes re-enqueueing harmless. */
export async function enqueueMails(queue: BullQueue<{ outboxId: number }>, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await queue.addBulk(ids.map((outboxId) => ({ name: 'send', data: { outboxId }, opts: { jobId: `mail-${outboxId}` } })));
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
  /** Where the workers' job lines and errors go (src/workers/queue.ts lifecycle); silent when unset. */
  readonly logger?: Logger;
  /** Counts and times the workers' jobs (the scheduler's /metrics). */
  readonly metrics?: JobMetrics;
}

export interface AnalysisWorkers {
  readonly reanalysis: ManagedWorker<ReanalysisJobData>;
  readonly mail: ManagedWorker<{ outboxId: number }>;
  readonly reanalysisQueue: BullQueue<ReanalysisJobData>;
  readonly mailQueue: BullQueue<{ outboxId: number }>;
  close(timeoutMs?: number): Promise<void>;
}

/**
 * The reanalysis worker (ticks of the scheduler become a job per quarter's cutoff; a reanalyze job
 * runs one look) and the mail worker (one outbox row per job). On start, mails left pending by a
 * crash are re-enqueued.
 */
export async function startAnalysisWorkers(options: AnalysisWorkersOptions): Promise<AnalysisWorkers> {
  const { config, deps, transport, alertFrom } = options;
  const reanalysisQueue = createReanalysisQueue(config);
  const mailQueue = createMailQueue(config);
  const db: Kysely<Database> = deps.db;
  // Every worker shares the lifecycle of src/workers/queue.ts; close(timeoutMs) sets its shutdown bound.
  let shutdownTimeoutMs = 10_000;
  const lifecycle = {
    logger: options.logger ?? pino({ level: 'silent' }), ...(options.metrics ? { metrics: options.metrics } : {}),
    get shutdownTimeoutMs() { return shutdownTimeoutMs; },
  };
  const lock = { ...(options.lockDuration ? { lockDuration: options.lockDuration } : {}), ...(options.stalledInterval ? { stalledInterval: options.stalledInterval } : {}) };

  const reanalysis = createWorker<ReanalysisJobData>(config, REANALYSIS_QUEUE, async (job): Promise<ReanalysisOutcome | { enqueued: string }> => {
    if (job.name === 'tick') {
      const cutoff = quarterCutoff(new Date(job.timestamp));
      await enqueueReanalysis(reanalysisQueue, cutoff, deps.plan.version);
      return { enqueued: cutoff };
    }
    if (typeof job.data.cutoff !== 'string') throw new UnrecoverableError('reanalyze job without a cutoff');
    try {
      const outcome = await reanalyze(deps, job.data.cutoff);
      await enqueueMails(mailQueue, await pendingOutboxIds(db));
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

  const mail = createWorker<{ outboxId: number }>(config, MAIL_QUEUE, async (job) => {
    const outcome = await deliverOutboxMail(db, transport, alertFrom, job.data.outboxId);
    if (outcome === 'busy') throw new Error(`outbox mail ${job.data.outboxId} is being sent by another worker`);
    return outcome;
  }, { concurrency: 4, ...lock }, lifecycle);

  await enqueueMails(mailQueue, await pendingOutboxIds(db));
  return {
    reanalysis, mail, reanalysisQueue, mailQueue,
    async close(timeoutMs = 10_000) {
      shutdownTimeoutMs = timeoutMs;
      await Promise.all([reanalysis.stop(), mail.stop()]);
      // A queue's close waits for its Redis connection: bounded, so a stop never hangs on a dead Redis.
      await Promise.race([Promise.allSettled([reanalysisQueue.close(), mailQueue.close()]), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
    },
  };
}
