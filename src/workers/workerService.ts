// The follow-up event worker as a service: BullMQ worker + dead-letter handling + /healthz and
// /metrics, with a bounded graceful stop. Used by `cohortwatch worker` and, in-process, by the demo.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logging/logger.ts';
import { createJobMetrics } from '../metrics/jobMetrics.ts';
import { createPipelineMetrics } from '../metrics/pipelineMetrics.ts';
import type { PipelineMetrics } from '../metrics/pipelineMetrics.ts';
import { probePostgres, redisProbe } from '../metrics/dependencies.ts';
import type { RedisProbe } from '../metrics/dependencies.ts';
import { startOpsServer } from '../metrics/httpServer.ts';
import type { OpsServer } from '../metrics/httpServer.ts';
import { createFollowUpProcessor, moveToDeadLetter } from './followUpProcessor.ts';
import { createDeadLetterQueue, createFollowUpQueue, createFollowUpWorker, redisTarget } from './queue.ts';
import type { FollowUpJobData, ManagedWorker, QueueConfig } from './queue.ts';

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
  worker: ManagedWorker<FollowUpJobData>;
  metrics: PipelineMetrics;
  /** The port /healthz and /metrics listen on, when served. */
  opsPort: number | null;
  /**
   * Stops taking jobs, waits up to shutdownTimeoutMs for running ones, then closes everything; never
   * takes longer than shutdownTimeoutMs plus about a second, whatever state Redis is in.
   */
  stop(): Promise<void>;
}

// A job whose worker died mid-flight is "stalled" and normally retried once; a few crash loops on
// the same event must not fail it, so allow more before BullMQ gives up on it.
const MAX_STALLED_COUNT = 5;
// Closing a queue waits for its Redis connection: with Redis gone, that is never.
const QUEUE_CLOSE_MS = 200;

export async function startWorkerService(options: WorkerServiceOptions): Promise<WorkerService> {
  const { db, logger } = options;
  const followUp = createFollowUpQueue(options.queue);
  const deadLetter = createDeadLetterQueue(options.queue);
  const metrics = createPipelineMetrics({ followUp, deadLetter });
  // The queues' own transport: REDIS_URL's node, or the cluster of REDIS_CLUSTER_NODES.
  const redis: RedisProbe | null = options.queue.postgres ? null : redisProbe(redisTarget(options.queue));
  let worker: ManagedWorker<FollowUpJobData> | null = null;

  // The ops endpoints start before the worker: a port already taken is a start-up error, not a worker
  // that runs unseen.
  let ops: OpsServer | null = null;
  if (options.metricsPort !== null) {
    try {
      ops = await startOpsServer(options.metricsPort, metrics.registry, async () => {
        const [database, queue] = await Promise.all([
          probePostgres(() => sql`select 1`.execute(db)),
          redis === null ? Promise.resolve('ok') : redis.probe(),
        ]);
        const running = worker?.isRunning() ? 'ok' : 'stopped';
        return { ok: database === 'ok' && queue === 'ok' && running === 'ok', detail: { database, redis: queue, worker: running } };
      });
    } catch (error) {
      redis?.close();
      await Promise.allSettled([followUp.close(), deadLetter.close()]);
      throw error;
    }
  }

  const processor = createFollowUpProcessor({ db, deadLetter, logger, metrics, ...(options.now ? { now: options.now } : {}) });
  const started = createFollowUpWorker(options.queue, processor, {
    concurrency: options.concurrency, maxStalledCount: MAX_STALLED_COUNT, ...(options.lockMs === undefined ? {} : { lockMs: options.lockMs }),
    lifecycle: { logger, shutdownTimeoutMs: options.shutdownTimeoutMs, metrics: createJobMetrics(metrics.registry) },
  });
  worker = started;
  started.on('failed', (job, error) => {
    // Failures the processor did not see (stalled too often) still go to the dead-letter queue.
    if (job !== undefined && /stalled/i.test(error.message)) {
      void moveToDeadLetter(deadLetter, job, error.message).catch((dlqError: unknown) => {
        logger.error({ jobId: job.id, err: String(dlqError) }, 'could not move a stalled job to the dead-letter queue');
      });
    }
  });
  logger.info({ concurrency: options.concurrency, prefix: options.queue.prefix, opsPort: ops?.port ?? null }, 'worker started');

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ timeoutMs: options.shutdownTimeoutMs }, 'worker stopping');
      await started.stop();
      redis?.close();
      await boundedAll([followUp.close(), deadLetter.close(), ops?.close() ?? Promise.resolve()], QUEUE_CLOSE_MS);
      logger.info('worker stopped');
    })();
    return stopping;
  };
  return { worker: started, metrics, opsPort: ops?.port ?? null, stop };
}

async function boundedAll(promises: readonly Promise<unknown>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled(promises), new Promise((resolve) => { timer = setTimeout(resolve, ms); })]);
  clearTimeout(timer);
}
