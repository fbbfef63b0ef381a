// Looks through the queue are keyed by database (issue 9, item 1): a finished job never stands in for a
// run that is not in this database, and a failed look can be retried, by hand and automatically.
import { QueueEvents } from 'bullmq';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { testQueuePrefix } from '../helpers/redis.ts';
import type { TestQueuePrefix } from '../helpers/redis.ts';
import { DEFAULT_PLAN } from '../../src/analysis/plan.ts';
import { runPlan } from '../../src/analysis/runPlan.ts';
import { createReanalysisQueue, enqueueReanalysis, REANALYSIS_QUEUE, startAnalysisWorkers } from '../../src/jobs/analysisQueues.ts';
import type { AnalysisWorkers, ReanalysisJobData } from '../../src/jobs/analysisQueues.ts';
import type { ReanalysisDeps, ReanalysisOutcome } from '../../src/jobs/reanalysis.ts';
import { voidLook } from '../../src/jobs/looks.ts';
import { smtpTransport } from '../../src/notify/transport.ts';
import type { BullQueue, QueueConfig } from '../../src/workers/queue.ts';
import { dayOf, syntheticCohort } from '../analysis/syntheticCohort.ts';

const FROM = 'CohortWatch <a@cohortwatch.test>';
const ALERTS_ONLY = { ...DEFAULT_PLAN, replicationCovariates: [] };
const cohort = syntheticCohort({ patients: 600, seed: 21 });

describe('looks through the queue', () => {
  let one: TestDatabase;
  let two: TestDatabase;
  let q: TestQueuePrefix;
  let config: QueueConfig;
  let queue: BullQueue<ReanalysisJobData>;
  let events: QueueEvents;
  let workers: AnalysisWorkers | null = null;
  let broken = false;

  const deps = (t: TestDatabase): ReanalysisDeps => ({
    db: t.db, plan: DEFAULT_PLAN, smallCellMin: 11, alertFrom: FROM,
    loadDataset: (_db, cutoff) => Promise.resolve(cohort.rowsAt(dayOf(cutoff))),
    runPlan: (rows) => (broken ? Promise.reject(new Error('plan failed: worker thread crashed')) : Promise.resolve(runPlan(ALERTS_ONLY, rows))),
  });
  const serve = async (t: TestDatabase) => {
    await workers?.close();
    workers = await startAnalysisWorkers({
      config, deps: deps(t), transport: smtpTransport('smtp://127.0.0.1:1'), alertFrom: FROM, retry: { baseMs: 200, maxMs: 1000 }, sweepIntervalMs: 3_600_000,
    });
  };
  const finished = (job: Job<ReanalysisJobData>) => job.waitUntilFinished(events, 30_000) as Promise<ReanalysisOutcome>;

  beforeAll(async () => {
    [one, two] = await Promise.all([createTestDatabase('lookq_one'), createTestDatabase('lookq_two')]);
    q = testQueuePrefix('lookq');
    config = { redisUrl: q.redisUrl, prefix: q.prefix, attempts: 2, backoffMs: 50 };
    queue = createReanalysisQueue(config);
    events = new QueueEvents(REANALYSIS_QUEUE, { connection: { url: q.redisUrl, maxRetriesPerRequest: null }, prefix: q.prefix });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await workers?.close();
    await Promise.all([queue.close(), events.close()]);
    await q.cleanup();
    await Promise.all([one.drop(), two.drop()]);
  });

  it('a look finished for one database does not stand in for another database on the same Redis', async () => {
    await serve(one);
    const first = await enqueueReanalysis(queue, one.db, '2012-12-31', DEFAULT_PLAN.version);
    const inOne = await finished(first);
    expect(inOne.created).toBe(true);

    await serve(two);
    const second = await enqueueReanalysis(queue, two.db, '2012-12-31', DEFAULT_PLAN.version);
    expect(second.id).not.toBe(first.id);
    const inTwo = await finished(second);
    expect(inTwo.created).toBe(true);
    const run = await two.db.selectFrom('analysis_runs').select(['id', 'cutoff']).where('id', '=', inTwo.runId).executeTakeFirstOrThrow();
    expect(run.cutoff).toBe('2012-12-31');
  }, 60_000);

  it('a job asked for another database is refused by a worker serving this one, in one line', async () => {
    const stray = await enqueueReanalysis(queue, one.db, '2013-12-31', DEFAULT_PLAN.version);
    await expect(finished(stray)).rejects.toThrow(/job enqueued for database [0-9a-f]{12}, but this worker serves database [0-9a-f]{12}: check DATABASE_URL and QUEUE_PREFIX/);
    expect(await one.db.selectFrom('analysis_runs').select('id').where('cutoff', '=', '2013-12-31').execute()).toEqual([]);
  }, 60_000);

  it('the completed job of a voided look does not stand in for it: asking again runs the look again', async () => {
    const live = await two.db.selectFrom('analysis_runs').select('id').where('cutoff', '=', '2012-12-31').executeTakeFirstOrThrow();
    // While its run is this database's live look, the finished job stands for it.
    const old = await finished(await enqueueReanalysis(queue, two.db, '2012-12-31', DEFAULT_PLAN.version));
    expect(old.runId).toBe(live.id);
    await voidLook(two.db, { cutoff: '2012-12-31', planVersion: DEFAULT_PLAN.version, reason: 'test', by: 'tester' });
    const again = await finished(await enqueueReanalysis(queue, two.db, '2012-12-31', DEFAULT_PLAN.version));
    expect(again.created).toBe(true);
    expect(again.runId).not.toBe(old.runId);
  }, 60_000);

  it('a failed look is recorded; asking again says so, --retry runs it again', async () => {
    broken = true;
    const job = await enqueueReanalysis(queue, two.db, '2013-12-31', DEFAULT_PLAN.version);
    await expect(finished(job)).rejects.toThrow(/worker thread crashed/);
    const failed = await two.db.selectFrom('analysis_runs').select(['status', 'error']).where('cutoff', '=', '2013-12-31').execute();
    expect(failed).toEqual([{ status: 'failed', error: 'plan failed: worker thread crashed' }]);  // once, on the last attempt
    broken = false;
    const asked = await enqueueReanalysis(queue, two.db, '2013-12-31', DEFAULT_PLAN.version);
    expect(await asked.getState()).toBe('failed');
    const retried = await finished(await enqueueReanalysis(queue, two.db, '2013-12-31', DEFAULT_PLAN.version, { retry: true }));
    expect(retried).toMatchObject({ created: true, cutoff: '2013-12-31' });
  }, 60_000);

  it('a failed look is retried automatically by the sweep once its backoff is over', async () => {
    broken = true;
    await expect(finished(await enqueueReanalysis(queue, two.db, '2014-12-31', DEFAULT_PLAN.version))).rejects.toThrow(/crashed/);
    broken = false;
    await new Promise((r) => setTimeout(r, 250));
    await workers?.sweep();
    let runs: { status: string }[] = [];
    for (let i = 0; i < 200; i++) {
      runs = await two.db.selectFrom('analysis_runs').select('status').where('cutoff', '=', '2014-12-31').where('status', '=', 'completed').execute();
      if (runs.length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(runs).toEqual([{ status: 'completed' }]);
  }, 60_000);
});
