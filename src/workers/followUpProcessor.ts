// The BullMQ processor of the follow-up event queue: applies each job's event (concurrent jobs share
// one transaction, see groupCommit.ts) and maps the outcome onto BullMQ's retry semantics. Invalid events and conflicts fail with UnrecoverableError (recorded in
// rejected_events first, never retried, never blocking the queue); anything else (database down)
// is thrown for BullMQ to retry with exponential backoff, and on the last attempt the job is copied
// to the dead-letter queue first, so an event that was accepted onto the queue is never lost.
import { UnrecoverableError } from 'bullmq';
import type { Job, Processor } from 'bullmq';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logging/logger.ts';
import type { PipelineMetrics } from '../metrics/pipelineMetrics.ts';
import { applyEvents } from './applyEvent.ts';
import type { ApplyOutcome } from './applyEvent.ts';
import { createGroupCommit } from './groupCommit.ts';
import { createPatientEventCache } from './patientEventCache.ts';
import type { FollowUpJobData, FollowUpQueue } from './queue.ts';

export interface ProcessorDependencies {
  db: Kysely<Database>;
  deadLetter: FollowUpQueue;
  logger: Logger;
  metrics?: PipelineMetrics;
  /** The timeline's "as of" instant; the wall clock unless a simulation drives it. */
  now?: () => Date;
  /** Transactions running at once (each holds one database connection); default 3. */
  maxInFlight?: number;
  /** Most events in one transaction; default 500. */
  maxBatch?: number;
}

/**
 * A batch costs five round trips to PostgreSQL whatever its size, so throughput comes from large
 * batches, several in flight (on disjoint patients, so they never wait for each other); another one
 * starts only when a full batch is queued (groupCommit.ts). The jobs in running batches stay active
 * in BullMQ until they commit, so the worker's concurrency (default 1000) is what fills them.
 * Measured with bench/ingest.ts (55,000 events, one worker, load 3): 250 per batch 4,057 events/s,
 * 500 per batch 4,337 events/s with less CPU per event (worker 0.157 vs 0.172 ms, PostgreSQL 0.080
 * vs 0.091 ms). Three in flight rather than two (load 2, 1 Dec): 5,556-5,598 events/s in three
 * rounds against 5,150-5,488 in six: with two, both were often waiting on PostgreSQL at once.
 */
const DEFAULT_IN_FLIGHT = 3;
const DEFAULT_MAX_BATCH = 500;

/** The patient an event is about, read before validation (an invalid one has no key). */
function patientKey(data: FollowUpJobData): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const patientId = (data as { patientId?: unknown }).patientId;
  return typeof patientId === 'string' ? patientId : null;
}

export type JobResult = { outcome: 'applied'; timelineChanged: boolean } | { outcome: 'duplicate' };

export function createFollowUpProcessor(deps: ProcessorDependencies): Processor<FollowUpJobData, unknown, string> {
  const now = deps.now ?? (() => new Date());
  const memory = createPatientEventCache();
  const apply = createGroupCommit<FollowUpJobData, ApplyOutcome>((batch) => applyEvents(deps.db, batch, now(), memory), {
    maxInFlight: deps.maxInFlight ?? DEFAULT_IN_FLIGHT,
    maxBatch: deps.maxBatch ?? DEFAULT_MAX_BATCH,
    keyOf: patientKey,
  });
  return async (job): Promise<JobResult> => {
    const stopTimer = deps.metrics?.applySeconds.startTimer();
    let outcome;
    try {
      outcome = await apply(job.data);
    } catch (error) {
      await onTransientFailure(job, error, deps);
      throw error;
    }
    stopTimer?.();
    switch (outcome.kind) {
      case 'applied':
        deps.metrics?.applied.inc({ type: outcome.event.type });
        return { outcome: 'applied', timelineChanged: outcome.rebuild.timelineChanged };
      case 'duplicate':
        deps.metrics?.duplicates.inc();
        return { outcome: 'duplicate' };
      case 'invalid':
      case 'conflict':
        deps.metrics?.rejected.inc({ kind: outcome.kind });
        // The reason may quote the producer's values but never a patient id (logged at debug only).
        deps.logger.warn({ jobId: job.id, kind: outcome.kind, reason: outcome.reason }, 'event rejected');
        throw new UnrecoverableError(outcome.reason);
    }
  };
}

async function onTransientFailure(job: Job<FollowUpJobData, unknown, string>, error: unknown, deps: ProcessorDependencies): Promise<void> {
  deps.metrics?.transientFailures.inc();
  const attempts = job.opts.attempts ?? 1;
  const message = error instanceof Error ? error.message : String(error);
  // attemptsMade counts the attempts finished before this one.
  if (job.attemptsMade + 1 < attempts) {
    deps.logger.warn({ jobId: job.id, attempt: job.attemptsMade + 1, attempts, err: message }, 'event failed, will retry');
    return;
  }
  await moveToDeadLetter(deps.deadLetter, job, message);
  deps.metrics?.deadLettered.inc();
  deps.logger.error({ jobId: job.id, attempts, err: message }, 'event failed on its last attempt; moved to the dead-letter queue');
}

/**
 * Copies the job to the dead-letter queue with its data unchanged (an operator replays it as is) and
 * the failure in the job's log. Idempotent: the dead-letter job keeps the original job id.
 */
export async function moveToDeadLetter(deadLetter: FollowUpQueue, job: Job<FollowUpJobData, unknown, string>, reason: string): Promise<void> {
  const copy = await deadLetter.add(job.name, job.data, job.id === undefined ? {} : { jobId: job.id });
  await copy.log(`${new Date().toISOString()} ${reason}`);
}
