// Redis Cluster runs a multi-key script only when all its keys live in one slot. A queue prefix in
// braces is a hash tag: only the part inside is hashed, so every key of every queue shares a slot.
// Checked here on the shared (non-cluster) Redis: the pipeline works under such a prefix and every
// key it writes carries the tag.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.ts';
import { enqueueEvents } from '../../src/workers/enqueueEvents.ts';
import { createFollowUpQueue } from '../../src/workers/queue.ts';
import { waitForJobs } from '../../src/workers/waitForJobs.ts';
import { startWorkerService } from '../../src/workers/workerService.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { deleteKeysWithPrefix, testQueuePrefix } from '../helpers/redis.ts';
import { silentLogger, testQueueConfig } from './support/runQueue.ts';
import { trickyPatient } from './support/streams.ts';

const q = testQueuePrefix('cluster');
const prefix = `{${q.prefix}}`;
afterAll(() => deleteKeysWithPrefix(q.redisUrl, prefix));

describe('a hash-tagged queue prefix (Redis Cluster)', () => {
  it('is the default and is accepted by the configuration', () => {
    expect(loadEnv({}).QUEUE_PREFIX).toBe('{cohortwatch}');
    expect(loadEnv({ QUEUE_PREFIX: prefix }).QUEUE_PREFIX).toBe(prefix);
    expect(() => loadEnv({ QUEUE_PREFIX: '{a}b' })).toThrow(/QUEUE_PREFIX/);
  });

  it('carries the pipeline, and every key it writes starts with the tag', async () => {
    const t = await createTestDatabase('cluster');
    const config = testQueueConfig(prefix, q.redisUrl);
    const queue = createFollowUpQueue(config);
    const service = await startWorkerService({ db: t.db, queue: config, logger: silentLogger, concurrency: 4, metricsPort: null, shutdownTimeoutMs: 5000 });
    const redis = new Redis(q.redisUrl);
    try {
      const events = trickyPatient('cluster-1');
      const ids = await enqueueEvents(queue, events.map((e) => ({ eventId: e.eventId, name: e.type, data: e })));
      const keys = await redis.keys(`*${q.prefix}*`);
      expect(keys.length).toBeGreaterThan(3);
      for (const key of keys) expect(key.startsWith(`${prefix}:`)).toBe(true);
      await waitForJobs(queue, ids, { pollMs: 50 });
      const stored = await t.db.selectFrom('follow_up_events').select('event_id').execute();
      expect(stored).toHaveLength(events.length);
    } finally {
      redis.disconnect();
      await service.stop();
      await queue.close();
      await t.drop();
    }
  });
});
