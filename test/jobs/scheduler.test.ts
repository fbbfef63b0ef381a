import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { testQueuePrefix } from '../helpers/redis.ts';
import type { TestQueuePrefix } from '../helpers/redis.ts';
import { DEFAULT_PLAN } from '../../src/analysis/plan.ts';
import { runPlan } from '../../src/analysis/runPlan.ts';
import { createReanalysisQueue, registerReanalysisScheduler, SCHEDULER_ID, startAnalysisWorkers } from '../../src/jobs/analysisQueues.ts';
import type { AnalysisWorkers } from '../../src/jobs/analysisQueues.ts';
import { cutoffOfFiring } from '../../src/analysis/lookSchedule.ts';
import { smtpTransport } from '../../src/notify/transport.ts';
import type { QueueConfig } from '../../src/workers/queue.ts';
import { dayOf, syntheticCohort } from '../analysis/syntheticCohort.ts';

const run = promisify(execFile);
const EVERY_SECOND = { cron: '* * * * * *', tz: 'UTC' };

describe('two schedulers and two workers', () => {
  let t: TestDatabase;
  let q: TestQueuePrefix;
  let config: QueueConfig;
  const workers: AnalysisWorkers[] = [];

  beforeAll(async () => {
    t = await createTestDatabase('scheduler');
    q = testQueuePrefix('analysis-sched');
    config = { redisUrl: q.redisUrl, prefix: q.prefix, attempts: 3, backoffMs: 200 };
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await q.cleanup();
    await t.drop();
  });

  it('analyse the quarter\'s cutoff once, however often the cron fires', async () => {
    const cohort = syntheticCohort({ patients: 600, seed: 21 });
    const deps = {
      db: t.db, plan: DEFAULT_PLAN, smallCellMin: 11, alertFrom: 'CohortWatch <a@cohortwatch.test>',
      loadDataset: (_db: unknown, cutoff: string) => Promise.resolve(cohort.rowsAt(dayOf(cutoff))),
      runPlan: (rows: Parameters<typeof runPlan>[1]) => Promise.resolve(runPlan(DEFAULT_PLAN, rows)),
      schedule: EVERY_SECOND,
    };
    // Two scheduler processes register the same scheduler (every second here, quarterly in production).
    const schedulers = [createReanalysisQueue(config), createReanalysisQueue(config)];
    await Promise.all(schedulers.map((s) => registerReanalysisScheduler(s, EVERY_SECOND.cron, EVERY_SECOND.tz)));
    for (let i = 0; i < 2; i++) {
      workers.push(await startAnalysisWorkers({ config, deps, transport: smtpTransport('smtp://127.0.0.1:1'), alertFrom: deps.alertFrom }));
    }
    // Each firing analyses the day before it (quarter ends for the default cron).
    const cutoff = cutoffOfFiring(new Date(), EVERY_SECOND);
    let runs: { id: number; cutoff: string }[] = [];
    for (let i = 0; i < 200 && runs.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      runs = await t.db.selectFrom('analysis_runs').select(['id', 'cutoff']).execute();
    }
    // Let several more ticks fire and be processed by both workers.
    await new Promise((r) => setTimeout(r, 3500));
    const schedulersStored = await schedulers[0].getJobSchedulers();
    await schedulers[0].removeJobScheduler(SCHEDULER_ID);
    await Promise.all(schedulers.map((s) => s.close()));
    runs = await t.db.selectFrom('analysis_runs').select(['id', 'cutoff']).execute();
    expect(schedulersStored).toHaveLength(1);
    expect(runs).toHaveLength(1);
    expect(runs[0].cutoff).toBe(cutoff);
  }, 60_000);

  it('cohortwatch reanalyze --wait returns when the workers have run the look; a voided look no longer blocks an earlier cutoff', async () => {
    const env = { ...process.env, DATABASE_URL: t.url, REDIS_URL: config.redisUrl, QUEUE_PREFIX: config.prefix, LOG_LEVEL: 'silent' };
    const bin = new URL('../../bin/cohortwatch.js', import.meta.url).pathname;
    const cli = (...args: string[]) => run(process.execPath, [bin, ...args], { env, timeout: 90_000 }).catch((e: unknown) => e as { code: number; stdout: string; stderr: string });
    // The scheduler's look (yesterday) blocks the quarter end before it until it is voided.
    const blocked = await cli('reanalyze', '--as-of', '2026-09-30', '--wait', '--timeout', '60');
    expect(blocked).toMatchObject({ code: 2 });
    expect(blocked.stderr).toMatch(/^cohortwatch: cutoff 2026-09-30 precedes the latest analysed cutoff \d{4}-\d{2}-\d{2} .*cohortwatch looks void/);
    const latest = await t.db.selectFrom('analysis_runs').select('cutoff').executeTakeFirstOrThrow();
    expect(await cli('looks', 'void', latest.cutoff, '--reason', 'test cron fired every second', '--by', 'tester')).toMatchObject({ stderr: '' });
    const { stdout } = await cli('reanalyze', '--as-of', '2026-09-30', '--wait', '--timeout', '60');
    const summary = JSON.parse(stdout) as { cutoff: string; look: number; created: boolean; mails: { pending: number } };
    expect(summary).toMatchObject({ cutoff: '2026-09-30', look: 1, created: true, mails: { pending: 0 } });
  }, 180_000);
});
