// The plan shared between worker threads (each takes the next population x endpoint pair when it is
// free) gives exactly the records of one in-process run, in the same order.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN } from '../../src/analysis/plan.ts';
import { runPlan } from '../../src/analysis/runPlan.ts';
import type { PlanRunResult } from '../../src/analysis/runResult.ts';
import { runPlanInThread } from '../../src/jobs/runPlanInThread.ts';
import { dayOf, syntheticCohort } from '../analysis/syntheticCohort.ts';

const records = ({ timingsMs: _timings, ...rest }: PlanRunResult) => JSON.stringify(rest);

describe('the plan in several threads', () => {
  it('gives byte-identical records, in plan order, with 2 and 3 threads', async () => {
    const rows = syntheticCohort({ patients: 1000, seed: 7, portLogHr: { group1: Math.log(0.6) } }).rowsAt(dayOf('2022-12-31'));
    const expected = records(runPlan(DEFAULT_PLAN, rows));
    for (const threads of [2, 3]) {
      const shared = await runPlanInThread({ document: DEFAULT_PLAN.document, rows, threads });
      expect(records(shared)).toBe(expected);
    }
  }, 120_000);
});
