// The plan shared between worker threads (each takes the next population x endpoint pair when it is
// free) gives exactly the records of one in-process run, in the same order; the threads are kept for
// the process's later looks, and nothing of one run leaks into the next.
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAN } from '../../src/analysis/plan.ts';
import { runPlan } from '../../src/analysis/runPlan.ts';
import type { PlanRunResult } from '../../src/analysis/runResult.ts';
import { closePlanThreads, planThreadCount, runPlanInThread } from '../../src/jobs/runPlanInThread.ts';
import { dayOf, syntheticCohort } from '../analysis/syntheticCohort.ts';

const records = ({ timingsMs: _timings, ...rest }: PlanRunResult) => JSON.stringify(rest);
const cohort = (patients: number, seed: number) => syntheticCohort({ patients, seed, portLogHr: { group1: Math.log(0.6) } }).rowsAt(dayOf('2022-12-31'));

afterAll(closePlanThreads);

describe('the plan in several threads', () => {
  it('gives byte-identical records, in plan order, with 2 and 3 threads', async () => {
    const rows = cohort(1000, 7);
    const expected = records(runPlan(DEFAULT_PLAN, rows));
    for (const threads of [2, 3]) {
      const shared = await runPlanInThread({ document: DEFAULT_PLAN.document, rows, threads });
      expect(records(shared)).toBe(expected);
    }
  }, 120_000);

  it('runs the next look on the same threads with nothing left from the previous one', async () => {
    const first = cohort(600, 11);
    const second = cohort(800, 12);
    expect(records(await runPlanInThread({ document: DEFAULT_PLAN.document, rows: first }))).toBe(records(runPlan(DEFAULT_PLAN, first)));
    expect(records(await runPlanInThread({ document: DEFAULT_PLAN.document, rows: second }))).toBe(records(runPlan(DEFAULT_PLAN, second)));
    // The alerts scope after a full run on the same threads: only the primary estimands, as in-process.
    expect(records(await runPlanInThread({ document: DEFAULT_PLAN.document, rows: first, scope: 'alerts' })))
      .toBe(records(runPlan(DEFAULT_PLAN, first, { scope: 'alerts' })));
  }, 120_000);

  it('reports a failed share and keeps serving the next run', async () => {
    const rows = cohort(300, 3);
    const broken = { ...DEFAULT_PLAN.document, endpoints: [] } as unknown as typeof DEFAULT_PLAN.document;
    await expect(runPlanInThread({ document: broken, rows })).rejects.toThrow(/invalid plan document/);
    expect(records(await runPlanInThread({ document: DEFAULT_PLAN.document, rows }))).toBe(records(runPlan(DEFAULT_PLAN, rows)));
  }, 120_000);

  it('ends threads left idle, and the next run starts new ones', async () => {
    const rows = cohort(300, 4);
    const expected = records(runPlan(DEFAULT_PLAN, rows));
    await closePlanThreads();
    expect(records(await runPlanInThread({ document: DEFAULT_PLAN.document, rows, idleMs: 300 }))).toBe(expected);
    expect(planThreadCount()).toBeGreaterThan(0);
    const deadline = Date.now() + 10_000;
    while (planThreadCount() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(planThreadCount()).toBe(0);
    expect(records(await runPlanInThread({ document: DEFAULT_PLAN.document, rows }))).toBe(expected);
  }, 120_000);

  it('gives the same records from the sources through tsx when bundles are off', async () => {
    const rows = cohort(500, 5);
    await closePlanThreads();
    process.env.COHORTWATCH_NO_BUNDLE = '1';
    try {
      expect(records(await runPlanInThread({ document: DEFAULT_PLAN.document, rows }))).toBe(records(runPlan(DEFAULT_PLAN, rows)));
    } finally {
      delete process.env.COHORTWATCH_NO_BUNDLE;
      await closePlanThreads();
    }
  }, 120_000);
});
