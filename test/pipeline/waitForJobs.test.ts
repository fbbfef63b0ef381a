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
});
