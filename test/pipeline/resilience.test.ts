// Crashes and restarts in the middle of a stream end in the same state as an uninterrupted run: no
// event lost, none applied twice. The servers restarted are private instances, never the shared ones.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/db/connect.ts';
import type { Database } from '../../src/db/database.ts';
import { ensureDatabase, migrateToLatest } from '../../src/db/migrate.ts';
import { enqueueEvents } from '../../src/workers/enqueueEvents.ts';
import { createFollowUpQueue } from '../../src/workers/queue.ts';
import { waitForJobs } from '../../src/workers/waitForJobs.ts';
import { startWorkerService } from '../../src/workers/workerService.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { testQueuePrefix } from '../helpers/redis.ts';
import { deliver, silentLogger, testQueueConfig } from './support/runQueue.ts';
import { pipelineSnapshot } from './support/snapshot.ts';
import type { PipelineSnapshot } from './support/snapshot.ts';
import { startPrivatePostgres, startPrivateRedis } from './support/privateServers.ts';
import { shuffled, simulatedStream, trickyPatient } from './support/streams.ts';

const stream = shuffled([...simulatedStream(424242, 12), ...trickyPatient()], 99);
const outcome = (db: Kysely<Database>, n: number) => async () =>
  (await db.selectFrom('follow_up_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n >= n;

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

let reference: PipelineSnapshot;
beforeAll(async () => {
  const t = await createTestDatabase('reference');
  try {
    await deliver(t.url, [stream]);
    reference = await pipelineSnapshot(t.db);
  } finally {
    await t.drop();
  }
  expect(reference.eventIds.length).toBeGreaterThan(300);
});

function spawnWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['bin/cohortwatch.js', 'worker'], {
    env: { ...process.env, METRICS_PORT: '0', LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '8', JOB_LOCK_MS: '2000', JOB_BACKOFF_MS: '100', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

describe('a worker process killed with SIGKILL mid-stream', () => {
  it('ends, once restarted, in the same state as an uninterrupted run', async () => {
    const t = await createTestDatabase('sigkill');
    const q = testQueuePrefix('sigkill');
    const queue = createFollowUpQueue(testQueueConfig(q.prefix, q.redisUrl));
    const env = { DATABASE_URL: t.url, REDIS_URL: q.redisUrl, QUEUE_PREFIX: q.prefix };
    try {
      const ids = await enqueueEvents(queue, stream.map((e) => ({ eventId: e.eventId, name: e.type, data: e })));
      const first = spawnWorker(env);
      await until(outcome(t.db, 60), 'the first worker to apply some events');
      const killed = new Promise((resolve) => first.once('exit', (_code, signal) => resolve(signal)));
      first.kill('SIGKILL');
      expect(await killed).toBe('SIGKILL');
      const applied = (await pipelineSnapshot(t.db)).eventIds.length;
      expect(applied).toBeLessThan(reference.eventIds.length);

      const second = spawnWorker(env);
      await waitForJobs(queue, ids, { pollMs: 100, timeoutMs: 90_000 });
      const stopped = new Promise((resolve) => second.once('exit', (code) => resolve(code)));
      second.kill('SIGTERM');
      expect(await stopped).toBe(0); // graceful stop on SIGTERM
      expect(await pipelineSnapshot(t.db)).toEqual(reference);
    } finally {
      await queue.close();
      await q.cleanup();
      await t.drop();
    }
  });
});

describe('restarts of the servers mid-stream', () => {
  it('PostgreSQL restarted: transient failures are retried and the end state is the same', async () => {
    const pg = await startPrivatePostgres();
    const url = new URL(pg.url);
    url.pathname = '/cohortwatch';
    await ensureDatabase(url.toString());
    const db = connect(url.toString(), { poolSize: 10 });
    const q = testQueuePrefix('pgrestart');
    const config = testQueueConfig(q.prefix, q.redisUrl, { attempts: 30, backoffMs: 100 });
    const queue = createFollowUpQueue(config);
    const service = await startWorkerService({ db, queue: config, logger: silentLogger, concurrency: 8, metricsPort: null, shutdownTimeoutMs: 5000 });
    try {
      await migrateToLatest(db);
      const ids = await enqueueEvents(queue, stream.map((e) => ({ eventId: e.eventId, name: e.type, data: e })));
      await until(outcome(db, 60), 'some events applied before the restart');
      await pg.restart();
      await waitForJobs(queue, ids, { pollMs: 100, timeoutMs: 90_000 });
      expect(await pipelineSnapshot(db)).toEqual(reference);
      expect(await service.metrics.transientFailures.get().then((m) => m.values[0]?.value ?? 0)).toBeGreaterThan(0);
      expect(await service.metrics.deadLettered.get().then((m) => m.values[0]?.value ?? 0)).toBe(0);
    } finally {
      await service.stop();
      await queue.close();
      await db.destroy();
      await q.cleanup();
      await pg.stop();
    }
  });

  it('Redis restarted: jobs survive (AOF) and the end state is the same', async () => {
    const redis = await startPrivateRedis();
    const t = await createTestDatabase('redisrestart');
    const config = testQueueConfig('cw', redis.url);
    const queue = createFollowUpQueue(config);
    const service = await startWorkerService({
      db: t.db, queue: config, logger: silentLogger, concurrency: 8, metricsPort: null, shutdownTimeoutMs: 5000, lockMs: 2000,
    });
    try {
      const ids = await enqueueEvents(queue, stream.map((e) => ({ eventId: e.eventId, name: e.type, data: e })));
      await until(outcome(t.db, 60), 'some events applied before the restart');
      await redis.restart();
      await waitForJobs(queue, ids, { pollMs: 100, timeoutMs: 90_000 });
      expect(await pipelineSnapshot(t.db)).toEqual(reference);
    } finally {
      await service.stop();
      await queue.close();
      await t.drop();
      await redis.stop();
    }
  });
});

