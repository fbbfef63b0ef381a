// Issue 9, item 4: every BullMQ worker goes through the lifecycle of src/workers/queue.ts. A line per
// job (id, outcome, duration), failures and connection errors logged rather than lost or crashing the
// process, and a stop that forces the close after SHUTDOWN_TIMEOUT_MS. Real Redis (a private one where
// it is stopped), real PostgreSQL for the reanalysis and mail workers.
import { setTimeout as sleep } from 'node:timers/promises';
import { UnrecoverableError } from 'bullmq';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAN } from '../../src/analysis/plan.ts';
import { createMailQueue, createReanalysisQueue, startAnalysisWorkers } from '../../src/jobs/analysisQueues.ts';
import { smtpTransport } from '../../src/notify/transport.ts';
import { createQueue, createWorker } from '../../src/workers/queue.ts';
import type { QueueConfig } from '../../src/workers/queue.ts';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { testQueuePrefix } from '../helpers/redis.ts';
import { startPrivateRedis } from '../pipeline/support/privateServers.ts';
import { eventually } from './support/cli.ts';

type Line = Record<string, unknown>;

function capturingLogger() {
  const lines: Line[] = [];
  const logger = pino({ level: 'info' }, { write: (text: string) => { lines.push(JSON.parse(text) as Line); } });
  const waitFor = (match: (line: Line) => boolean, what: string) => eventually(() => Promise.resolve(lines.find(match)), what, 30_000);
  return { lines, logger, waitFor };
}

const q = testQueuePrefix('lifecycle');
const config: QueueConfig = { redisUrl: q.redisUrl, prefix: q.prefix, attempts: 2, backoffMs: 10 };
let t: TestDatabase;

beforeAll(async () => { t = await createTestDatabase('lifecycle'); });
afterAll(async () => {
  await q.cleanup();
  await t.drop();
});

describe('the worker lifecycle', () => {
  it('logs one line per finished job with its id, outcome, attempt and duration', async () => {
    const { lines, logger, waitFor } = capturingLogger();
    const queue = createQueue<{ fail: 'no' | 'transient' | 'invalid' }>(config, 'lifecycle-jobs', { attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    const worker = createWorker<{ fail: 'no' | 'transient' | 'invalid' }>(config, 'lifecycle-jobs', async (job) => {
      await sleep(20);
      if (job.data.fail === 'transient') throw new Error('database down');
      if (job.data.fail === 'invalid') throw new UnrecoverableError('not a valid event');
      return 'done';
    }, { concurrency: 2 }, { logger, shutdownTimeoutMs: 1000 });
    try {
      await queue.add('ok', { fail: 'no' }, { jobId: 'job-ok' });
      await queue.add('flaky', { fail: 'transient' }, { jobId: 'job-transient' });
      await queue.add('bad', { fail: 'invalid' }, { jobId: 'job-invalid' });
      const done = await waitFor((l) => l.jobId === 'job-ok', 'the completed job');
      expect(done).toMatchObject({ level: 30, queue: 'lifecycle-jobs', job: 'ok', outcome: 'completed', attempt: 1, msg: 'job completed' });
      expect(done.durationMs).toBeGreaterThanOrEqual(20);
      const final = await waitFor((l) => l.jobId === 'job-transient' && l.outcome === 'failed', 'the transient job failing for good');
      expect(final).toMatchObject({ level: 50, attempt: 2, attempts: 2, err: 'database down' });
      expect(lines.filter((l) => l.jobId === 'job-transient').map((l) => l.outcome)).toEqual(['retrying', 'failed']);
      const invalid = await waitFor((l) => l.jobId === 'job-invalid', 'the invalid job');
      // UnrecoverableError is final at its first attempt.
      expect(invalid).toMatchObject({ outcome: 'failed', attempt: 1, err: 'not a valid event' });
    } finally {
      await worker.stop();
      await queue.close();
    }
  });

  it('stop() forces the close after shutdownTimeoutMs when a job does not finish', async () => {
    const { lines, logger, waitFor } = capturingLogger();
    const queue = createQueue<object>(config, 'lifecycle-stuck', {});
    let started = false;
    const worker = createWorker<object>(config, 'lifecycle-stuck', async () => {
      started = true;
      await sleep(60_000);
    }, { concurrency: 1 }, { logger, shutdownTimeoutMs: 800 });
    try {
      await queue.add('stuck', {});
      await eventually(() => Promise.resolve(started || undefined), 'the job to start');
      const t0 = Date.now();
      expect(await worker.stop()).toBe(false);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(750);
      expect(Date.now() - t0).toBeLessThan(800 + 1000);
      await waitFor((l) => l.msg === 'running jobs did not finish in time; closing anyway (their locks expire and another worker retries them)', 'the forced-close line');
      expect(lines.some((l) => l.level === 40 && l.timeoutMs === 800)).toBe(true);
    } finally {
      await queue.close();
    }
  });

  it('a lost Redis is logged by the error listener, the process lives on, and stop() still returns in time', async () => {
    const redis = await startPrivateRedis();
    const { logger, waitFor } = capturingLogger();
    const own: QueueConfig = { ...config, redisUrl: redis.url };
    const worker = createWorker<object>(own, 'lifecycle-lost', () => Promise.resolve(), { concurrency: 1 }, { logger, shutdownTimeoutMs: 500 });
    try {
      await sleep(300);
      await redis.down();
      const error = await waitFor((l) => l.msg === 'worker error', 'the error line');
      expect(error).toMatchObject({ level: 50, queue: 'lifecycle-lost' });
      expect(String(error.err)).toMatch(/ECONNREFUSED|Connection is closed/);
      const t0 = Date.now();
      await worker.stop();
      expect(Date.now() - t0).toBeLessThan(500 + 1000);
    } finally {
      await redis.stop();
    }
  });

  it('the reanalysis and alert-mail workers log their jobs through it', async () => {
    const { logger, waitFor } = capturingLogger();
    const workers = await startAnalysisWorkers({
      config, transport: smtpTransport('smtp://127.0.0.1:1'), alertFrom: 'CohortWatch <a@cohortwatch.test>', logger,
      deps: { db: t.db, plan: DEFAULT_PLAN, smallCellMin: 11, alertFrom: 'CohortWatch <a@cohortwatch.test>', loadDataset: () => Promise.resolve([]) },
    });
    const reanalysis = createReanalysisQueue(config);
    const mail = createMailQueue(config);
    try {
      await reanalysis.add('reanalyze', {}, { jobId: 'look-without-cutoff' });
      await mail.add('send', { outboxId: 987654 }, { jobId: 'mail-missing' });
      expect(await waitFor((l) => l.jobId === 'look-without-cutoff', 'the reanalysis job line'))
        .toMatchObject({ queue: 'reanalysis', outcome: 'failed', err: 'reanalyze job without a cutoff' });
      expect(await waitFor((l) => l.jobId === 'mail-missing', 'the mail job line')).toMatchObject({ queue: 'alert-mail', outcome: 'completed' });
    } finally {
      await workers.close(1000);
      await Promise.all([reanalysis.close(), mail.close()]);
    }
  });
});
