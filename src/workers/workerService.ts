// The follow-up event worker as a service: BullMQ worker + dead-letter handling + /healthz and
// /metrics, with a bounded graceful stop. Used by `cohortwatch worker` and, in-process, by the demo.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logging/logger.ts';
import { createPipelineMetrics } from '../metrics/pipelineMetrics.ts';
import type { PipelineMetrics } from '../metrics/pipelineMetrics.ts';
import { startOpsServer } from '../metrics/httpServer.ts';
import type { OpsServer } from '../metrics/httpServer.ts';
import { createFollowUpProcessor, moveToDeadLetter } from './followUpProcessor.ts';
import { createDeadLetterQueue, createFollowUpQueue, createFollowUpWorker } from './queue.ts';
import type { FollowUpWorker, QueueConfig } from './queue.ts';

export interface WorkerServiceOptions {
  db: Kysely<Database>;
  queue: QueueConfig;
  logger: Logger;
  concurrency: number;
  /** Port of /healthz and /metrics; 0 picks a free one, null serves none. */
  metricsPort: number | null;
  shutdownTimeoutMs: number;
  /** Job lock duration; a crashed worker's jobs are retried after about this long. */
  lockMs?: number;
  now?: () => Date;
}

export interface WorkerService {
  worker: FollowUpWorker;
  metrics: PipelineMetrics;
  /** The port /healthz and /metrics listen on, when served. */
  opsPort: number | null;
  /** Stops taking jobs, waits up to shutdownTimeoutMs for running ones, then closes everything. */
  stop(): Promise<void>;
}

// A job whose worker died mid-flight is "stalled" and normally retried once; a few crash loops on
// the same event must not fail it, so allow more before BullMQ gives up on it.
const MAX_STALLED_COUNT = 5;

export async function startWorkerService(options: WorkerServiceOptions): Promise<WorkerService> {
  const { db, logger } = options;
  const followUp = createFollowUpQueue(options.queue);
  const deadLetter = createDeadLetterQueue(options.queue);
  const metrics = createPipelineMetrics({ followUp, deadLetter });
  const processor = createFollowUpProcessor({ db, deadLetter, logger, metrics, ...(options.now ? { now: options.now } : {}) });
  const worker = createFollowUpWorker(options.queue, processor, {
    concurrency: options.concurrency, maxStalledCount: MAX_STALLED_COUNT, ...(options.lockMs === undefined ? {} : { lockMs: options.lockMs }),
  });

  worker.on('failed', (job, error) => {
    // Failures the processor did not see (stalled too often) still go to the dead-letter queue.
    if (job !== undefined && /stalled/i.test(error.message)) {
      void moveToDeadLetter(deadLetter, job, error.message).catch((dlqError: unknown) => {
        logger.error({ jobId: job.id, err: String(dlqError) }, 'could not move a stalled job to the dead-letter queue');
      });
    }
  });
  worker.on('error', (error) => logger.error({ err: error.message }, 'worker connection error'));

  let ops: OpsServer | null = null;
  if (options.metricsPort !== null) {
    ops = await startOpsServer(options.metricsPort, metrics.registry, async () => {
      const database = await sql`select 1`.execute(db).then(() => 'ok', (error: unknown) => String(error));
      const running = worker.isRunning() ? 'ok' : 'stopped';
      return { ok: database === 'ok' && running === 'ok', detail: { database, worker: running } };
    });
  }
  logger.info({ concurrency: options.concurrency, prefix: options.queue.prefix, opsPort: ops?.port ?? null }, 'worker started');

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ timeoutMs: options.shutdownTimeoutMs }, 'worker stopping');
      const finished = await closeWithin(worker, options.shutdownTimeoutMs);
      if (!finished) logger.warn('running jobs did not finish in time; their locks will expire and another worker retries them');
      await Promise.allSettled([followUp.close(), deadLetter.close(), ops?.close()]);
      logger.info('worker stopped');
    })();
    return stopping;
  };
  return { worker, metrics, opsPort: ops?.port ?? null, stop };
}

/** worker.close() waits for running jobs with no limit of its own; force-close after the timeout. */
async function closeWithin(worker: FollowUpWorker, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); });
  const finished = await Promise.race([worker.close().then(() => true as const), timedOut]);
  clearTimeout(timer);
  if (!finished) await worker.close(true);
  return finished;
}
