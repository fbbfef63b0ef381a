// Migration 2026_12_01_010: the 0 and 0 events per arm that paper-replication rows were stored with
// (never computed) become null; counted rows and monitoring rows are left as they are. And the look
// history refuses a monitoring estimate without its arm counts instead of reading them as 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { up } from '../../migrations/2026_12_01_010_replication_arm_events_null.ts';
import { loadPreviousLooks } from '../../src/jobs/previousLooks.ts';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase('arm_events');
});
afterAll(() => t.drop());

async function storedRun(cutoff: string, look: number): Promise<number> {
  const run = await t.db.insertInto('analysis_runs').values({
    cutoff, plan_version: 'arm-events', code_version: 'test', status: 'completed', look, plan: JSON.stringify({}), finished_at: new Date(),
  }).returning('id').executeTakeFirstOrThrow();
  return run.id;
}

const estimate = (runId: number, model: string, term: string, events: number, port: number | null, ptr: number | null) => ({
  run_id: runId, population: 'all', endpoint: 'os', model, term, is_primary: model === 'monitoring', n: 300, events, events_port: port, events_no_port: ptr,
  coef: -0.2, se: 0.2, hr: 0.82, lower: 0.55, upper: 1.21, z: -1, p: 0.32, details: JSON.stringify({}),
});

describe('events per arm that nothing computed', () => {
  it('the migration turns the replication rows stored as 0 and 0 into null, and leaves counted rows alone', async () => {
    const runId = await storedRun('2019-12-31', 1);
    await t.db.insertInto('analysis_estimates').values([
      estimate(runId, 'univariate', 'tnbc', 57, 0, 0),
      estimate(runId, 'multivariate', 'tnbc', 51, 0, 0),
      // Backward elimination removed every term: its events were stored as 0 as well.
      estimate(runId, 'multivariate', 'mastectomy', 0, 0, 0),
      estimate(runId, 'univariate', 'port', 57, 21, 36),
      estimate(runId, 'monitoring', 'port', 57, 21, 36),
      estimate(runId, 'iptw', 'port', 57, 21, 36),
    ]).execute();
    await up(t.db as unknown as Kysely<unknown>);
    const rows = await t.db.selectFrom('analysis_estimates').select(['model', 'term', 'events', 'events_port', 'events_no_port'])
      .where('run_id', '=', runId).orderBy('id').execute();
    expect(rows).toEqual([
      { model: 'univariate', term: 'tnbc', events: 57, events_port: null, events_no_port: null },
      { model: 'multivariate', term: 'tnbc', events: 51, events_port: null, events_no_port: null },
      { model: 'multivariate', term: 'mastectomy', events: 0, events_port: null, events_no_port: null },
      { model: 'univariate', term: 'port', events: 57, events_port: 21, events_no_port: 36 },
      { model: 'monitoring', term: 'port', events: 57, events_port: 21, events_no_port: 36 },
      { model: 'iptw', term: 'port', events: 57, events_port: 21, events_no_port: 36 },
    ]);
  });

  it('the look history refuses a stored monitoring estimate without events per arm (it was read as 0 and 0)', async () => {
    const runId = await storedRun('2020-12-31', 2);
    await t.db.insertInto('analysis_estimates').values(estimate(runId, 'monitoring', 'port', 61, null, null)).execute();
    await expect(loadPreviousLooks(t.db)).rejects.toThrow(/all\/os, look 2\) has no events per arm/);
  });
});
