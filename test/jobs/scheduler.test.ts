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
import { quarterCutoff } from '../../src/jobs/cutoff.ts';
import { smtpTransport } from '../../src/notify/transport.ts';
import type { QueueConfig } from '../../src/workers/queue.ts';
import { dayOf, syntheticCohort } from '../analysis/syntheticCohort.ts';

const run = promisify(execFile);

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
    };
    // Two scheduler processes register the same scheduler (every second here, quarterly in production).
    const schedulers = [createReanalysisQueue(config), createReanalysisQueue(config)];
    await Promise.all(schedulers.map((s) => registerReanalysisScheduler(s, '* * * * * *', 'UTC')));
    for (let i = 0; i < 2; i++) {
      workers.push(await startAnalysisWorkers({ config, deps, transport: smtpTransport('smtp://127.0.0.1:1'), alertFrom: deps.alertFrom }));
    }
    const cutoff = quarterCutoff(new Date());
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

  it('cohortwatch reanalyze --wait returns when the workers have run the look, printing its summary', async () => {
    const env = { ...process.env, DATABASE_URL: t.url, REDIS_URL: config.redisUrl, QUEUE_PREFIX: config.prefix, LOG_LEVEL: 'silent' };
    const bin = new URL('../../bin/cohortwatch.js', import.meta.url).pathname;
    const { stdout } = await run(process.execPath, [bin, 'reanalyze', '--as-of', '2026-12-31', '--wait', '--timeout', '60'], { env, timeout: 90_000 });
    const summary = JSON.parse(stdout) as { cutoff: string; look: number; created: boolean; mails: { pending: number } };
    expect(summary).toMatchObject({ cutoff: '2026-12-31', look: 2, created: true, mails: { pending: 0 } });
    const late = await run(process.execPath, [bin, 'reanalyze', '--as-of', '2026-06-30', '--wait', '--timeout', '60'], { env, timeout: 90_000 }).catch((e: unknown) => e as { code: number; stderr: string });
    expect(late).toMatchObject({ code: 1 });
    expect((late as { stderr: string }).stderr).toMatch(/precedes the latest analysed cutoff/);
  }, 120_000);
});
