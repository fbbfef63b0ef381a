// Delivers events through the real BullMQ queue (own key prefix on the shared Redis) to in-process
// worker services, and waits until every job has left the queue.
import { pino } from 'pino';
import type { Kysely } from 'kysely';
import { connect } from '../../../src/db/connect.ts';
import type { Database } from '../../../src/db/database.ts';
import { enqueueEvents } from '../../../src/workers/enqueueEvents.ts';
import { createFollowUpQueue } from '../../../src/workers/queue.ts';
import type { FollowUpQueue, QueueConfig } from '../../../src/workers/queue.ts';
import { waitForJobs } from '../../../src/workers/waitForJobs.ts';
import { startWorkerService } from '../../../src/workers/workerService.ts';
import type { WorkerService } from '../../../src/workers/workerService.ts';
import { testQueuePrefix } from '../../helpers/redis.ts';
import type { RawEvent } from './streams.ts';

export const silentLogger = pino({ level: 'silent' });

export function testQueueConfig(prefix: string, redisUrl: string, overrides: Partial<QueueConfig> = {}): QueueConfig {
  return { redisUrl, prefix, attempts: 20, backoffMs: 100, ...overrides };
}

export interface DeliveryOptions {
  workers?: number;
  concurrency?: number;
}

/** Enqueues the events (in the given order; repeated eventIds are enqueued again) and drains them. */
export async function deliver(databaseUrl: string, batches: readonly (readonly RawEvent[])[], options: DeliveryOptions = {}): Promise<void> {
  const q = testQueuePrefix('deliver');
  const config = testQueueConfig(q.prefix, q.redisUrl);
  const queue = createFollowUpQueue(config);
  const pools: Kysely<Database>[] = [];
  const services: WorkerService[] = [];
  try {
    for (let i = 0; i < (options.workers ?? 1); i++) {
      const db = connect(databaseUrl, { poolSize: (options.concurrency ?? 8) + 1 });
      pools.push(db);
      services.push(await startWorkerService({
        db, queue: config, logger: silentLogger, concurrency: options.concurrency ?? 8, metricsPort: null, shutdownTimeoutMs: 5000,
      }));
    }
    // A batch is drained before the next is enqueued: a second delivery of an eventId while its first
    // job is still queued would be folded into it by BullMQ (same job id), testing nothing.
    for (const batch of batches) {
      const ids = await enqueueEvents(queue, batch.map((event) => ({ eventId: event.eventId, name: event.type, data: event })));
      await waitForJobs(queue, ids, { pollMs: 50 });
    }
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all(pools.map((db) => db.destroy()));
    await queue.close();
    await q.cleanup();
  }
}

/** Raw job data: an eventId to derive the job id from, anything else as the producer sent it. */
export type JobData = { eventId: string; type?: unknown } & Record<string, unknown>;

export interface TestWorker {
  queue: FollowUpQueue;
  service: WorkerService;
  /** Enqueues raw job data (any shape: hostile inputs too) and waits until the jobs left the queue. */
  deliver(events: readonly JobData[]): Promise<void>;
  stop(): Promise<void>;
}

/** One in-process worker service (with /healthz and /metrics on a free port) on its own queue prefix. */
export async function startTestWorker(databaseUrl: string): Promise<TestWorker> {
  const q = testQueuePrefix('worker');
  const config = testQueueConfig(q.prefix, q.redisUrl);
  const queue = createFollowUpQueue(config);
  const db = connect(databaseUrl, { poolSize: 6 });
  const service = await startWorkerService({ db, queue: config, logger: silentLogger, concurrency: 4, metricsPort: 0, shutdownTimeoutMs: 5000 });
  return {
    queue,
    service,
    async deliver(events) {
      const ids = await enqueueEvents(queue, events.map((event) => ({
        eventId: event.eventId, name: typeof event.type === 'string' ? event.type : 'unknown', data: event,
      })));
      await waitForJobs(queue, ids, { pollMs: 50 });
    },
    async stop() {
      await service.stop();
      await db.destroy();
      await queue.close();
      await q.cleanup();
    },
  };
}
