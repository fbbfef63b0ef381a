// `ingest --wait` skips per-job lookups while the queue drains and relies on it emptying; when another
// producer's job keeps the queue from emptying, it must still return once our jobs have finished.
import { afterAll, describe, expect, it } from 'vitest';
import { createFollowUpQueue, createFollowUpWorker } from '../../src/workers/queue.ts';
import { waitForJobs } from '../../src/workers/waitForJobs.ts';
import { deleteKeysWithPrefix, testQueuePrefix } from '../helpers/redis.ts';
import { silentLogger, testQueueConfig } from './support/runQueue.ts';

const q = testQueuePrefix('wait');
afterAll(() => deleteKeysWithPrefix(q.redisUrl, q.prefix));

describe('waitForJobs', () => {
  it('returns when our jobs finished though a foreign job keeps the queue non-empty', async () => {
    const config = testQueueConfig(q.prefix, q.redisUrl);
    const queue = createFollowUpQueue(config);
    const finished: string[] = [];
    const worker = createFollowUpWorker(config, async (job) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      finished.push(String(job.id));
    }, { concurrency: 4, lifecycle: { logger: silentLogger, shutdownTimeoutMs: 5000 } });
    try {
      // Another producer's job due in an hour: the queue never empties during the test.
      await queue.add('other', { eventId: 'foreign' }, { jobId: 'foreign', delay: 3_600_000 });
      const ids = Array.from({ length: 300 }, (_, i) => `ours-${i}`);
      await queue.addBulk(ids.map((id) => ({ name: 'event', data: { eventId: id }, opts: { jobId: id } })));
      const progress: number[] = [];
      await waitForJobs(queue, ids, { pollMs: 20, timeoutMs: 30_000, onProgress: (done) => progress.push(done) });
      expect(new Set(finished)).toEqual(new Set(ids));
      expect(progress.at(-1)).toBe(ids.length);
      expect(progress.every((done, i) => i === 0 || done >= progress[i - 1])).toBe(true);
      expect((await queue.getJobCounts('delayed')).delayed).toBe(1);
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it('waits for a million job ids without overflowing the stack, and times out with how many are pending', async () => {
    const queue = createFollowUpQueue(testQueueConfig(`${q.prefix}-million`, q.redisUrl));
    try {
      // Jobs nobody processes, first in the list: the queue never empties and each poll's lookup of
      // the oldest finds them pending, so the whole list stays pending until the timeout.
      const stuck = Array.from({ length: 32 }, (_, i) => `stuck-${i}`);
      await queue.addBulk(stuck.map((id) => ({ name: 'event', data: { eventId: id }, opts: { jobId: id } })));
      const ids = [...stuck, ...Array.from({ length: 1_000_000 - stuck.length }, (_, i) => `ours-${i}`)];
      await expect(waitForJobs(queue, ids, { pollMs: 10, timeoutMs: 200 }))
        .rejects.toThrow('1000000 of 1000000 events still in the queue after the wait timeout');
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
