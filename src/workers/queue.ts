// The one place that constructs BullMQ queues and workers from configuration, so the transport
// (connection, key prefix, or another BullMQ backend) can be swapped without touching callers.
import { Queue, Worker } from 'bullmq';
import type { ConnectionOptions, JobsOptions, Processor } from 'bullmq';
import type { Env } from '../config/env.ts';

/** The queue producers put follow-up events on (contract v1). */
export const FOLLOW_UP_QUEUE = 'follow-up-events';
/** Events whose transient failures exhausted their attempts; kept for an operator to replay. */
export const DEAD_LETTER_QUEUE = 'follow-up-events-dlq';

export interface QueueConfig {
  redisUrl: string;
  /** BullMQ key prefix; every key of every queue lives under `<prefix>:`. */
  prefix: string;
  attempts: number;
  backoffMs: number;
}

export function queueConfig(env: Pick<Env, 'REDIS_URL' | 'QUEUE_PREFIX' | 'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS'>): QueueConfig {
  return { redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX, attempts: env.JOB_ATTEMPTS, backoffMs: env.JOB_BACKOFF_MS };
}

/** Job data is whatever a producer sent: untrusted until the worker validated it. */
export type FollowUpJobData = unknown;
export type FollowUpQueue = Queue<FollowUpJobData, unknown, string>;
export type FollowUpWorker = Worker<FollowUpJobData, unknown, string>;

function connection(config: QueueConfig): ConnectionOptions {
  // maxRetriesPerRequest null: BullMQ's blocking commands must wait through a Redis restart
  // instead of failing the worker.
  return { url: config.redisUrl, maxRetriesPerRequest: null };
}

/**
 * Completed jobs are removed at once: the database, not the queue, guarantees exactly-once, and the
 * same event may legitimately be enqueued again later. Failed jobs are removed too: invalid ones are
 * in rejected_events, exhausted ones in the dead-letter queue.
 */
export function followUpJobOptions(config: QueueConfig): JobsOptions {
  return {
    attempts: config.attempts,
    backoff: { type: 'exponential', delay: config.backoffMs },
    removeOnComplete: true,
    removeOnFail: true,
  };
}

// Connection errors reach callers through the calls they await (which wait for the reconnect); the
// 'error' event of an EventEmitter with no listener would instead crash the process.
function quiet(queue: FollowUpQueue): FollowUpQueue {
  queue.on('error', () => undefined);
  return queue;
}

export function createFollowUpQueue(config: QueueConfig): FollowUpQueue {
  return quiet(new Queue<FollowUpJobData, unknown, string>(FOLLOW_UP_QUEUE, {
    connection: connection(config),
    prefix: config.prefix,
    defaultJobOptions: followUpJobOptions(config),
  }));
}

export function createDeadLetterQueue(config: QueueConfig): FollowUpQueue {
  return quiet(new Queue<FollowUpJobData, unknown, string>(DEAD_LETTER_QUEUE, {
    connection: connection(config),
    prefix: config.prefix,
    defaultJobOptions: { removeOnComplete: false, removeOnFail: false },
  }));
}

export interface WorkerOptions {
  concurrency: number;
  maxStalledCount?: number;
  /** Job lock (and stalled-check interval); default BullMQ's 30 s. */
  lockMs?: number;
  /** Start consuming at once (default) or wait for `worker.run()`. */
  autorun?: boolean;
}

export function createFollowUpWorker(
  config: QueueConfig,
  processor: Processor<FollowUpJobData, unknown, string>,
  options: WorkerOptions,
): FollowUpWorker {
  return new Worker<FollowUpJobData, unknown, string>(FOLLOW_UP_QUEUE, processor, {
    connection: connection(config),
    prefix: config.prefix,
    concurrency: options.concurrency,
    maxStalledCount: options.maxStalledCount ?? 1,
    ...(options.lockMs === undefined ? {} : { lockDuration: options.lockMs, stalledInterval: options.lockMs }),
    autorun: options.autorun ?? true,
  });
}
