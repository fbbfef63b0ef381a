// Isolation on the shared Redis: each test gets its own BullMQ key prefix, and cleanup deletes that
// prefix's keys only (never FLUSHDB: other helpers' tests use the same server).
//
//   const q = testQueuePrefix('pipeline');          // { prefix, redisUrl, cleanup }
//   const config = { redisUrl: q.redisUrl, prefix: q.prefix };   // a QueueConfig for src/workers/queue.ts
//   afterAll(() => q.cleanup());
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export interface TestQueuePrefix {
  prefix: string;
  redisUrl: string;
  /** Deletes every key under the prefix; returns how many. */
  cleanup(): Promise<number>;
}

export function testQueuePrefix(label = 'test', redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'): TestQueuePrefix {
  const prefix = `cwtest-${label.replace(/[^A-Za-z0-9_-]/g, '_')}-${randomBytes(4).toString('hex')}`;
  return {
    prefix,
    redisUrl,
    cleanup: () => deleteKeysWithPrefix(redisUrl, prefix),
  };
}

export async function deleteKeysWithPrefix(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
