import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { reanalyze } from '../../src/jobs/reanalysis.ts';
import type { ReanalysisDeps } from '../../src/jobs/reanalysis.ts';
import { DEFAULT_PLAN } from '../../src/analysis/plan.ts';
import { runPlan } from '../../src/analysis/runPlan.ts';
import { dayOf, syntheticCohort } from '../analysis/syntheticCohort.ts';
import type { SyntheticCohort } from '../analysis/syntheticCohort.ts';
import { expectedArmEvents } from '../analysis/directArmEvents.ts';

const YEAR_ENDS = ['2011-12-31', '2012-12-31', '2013-12-31', '2014-12-31', '2015-12-31', '2016-12-31', '2017-12-31', '2018-12-31'];

// The plan runs in-process here without the paper replication (which alerts never read), to keep the
// suite fast; the emerging stream runs the full plan through the worker thread.
const ALERTS_ONLY = { ...DEFAULT_PLAN, replicationCovariates: [] };
function deps(t: TestDatabase, cohort: SyntheticCohort, inThread = false): ReanalysisDeps {
  return {
    ...(inThread ? {} : { runPlan: (rows) => Promise.resolve(runPlan(ALERTS_ONLY, rows)) }),
    db: t.db, plan: DEFAULT_PLAN, smallCellMin: 11, alertFrom: 'CohortWatch <alerts@cohortwatch.test>',
    loadDataset: (_db, cutoff) => Promise.resolve(cohort.rowsAt(dayOf(cutoff))),
  };
}

describe('a stream where group 1 PORT effect emerges (true HR 0.55 in group 1, 1 elsewhere)', () => {
  let t: TestDatabase;
  const cohort = syntheticCohort({ patients: 2500, seed: 7, portLogHr: { group1: Math.log(0.55) } });
  beforeAll(async () => {
    t = await createTestDatabase('emerging');
    const d = deps(t, cohort, true);
    for (const cutoff of YEAR_ENDS) await reanalyze(d, cutoff);
    // Eight full plan runs in worker threads: minutes when the 2 shared cores are busy.
  }, 300_000);
  afterAll(() => t.drop());

  it('stores one run per look with the dataset hash, plan and code version', async () => {
    const runs = await t.db.selectFrom('analysis_runs').selectAll().orderBy('cutoff').execute();
    expect(runs.map((r) => r.look)).toEqual(YEAR_ENDS.map((_, k) => k + 1));
    for (const run of runs) {
      expect(run.dataset_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(run.plan_version).toBe(DEFAULT_PLAN.version);
      expect(run.code_version).toMatch(/^\d+\.\d+\.\d+/);
    }
  });

  it('raises exactly one boundary alert for group 1 PFS, at the first look whose stored |z| reaches the boundary', async () => {
    const path = await t.db.selectFrom('analysis_estimates').innerJoin('analysis_runs', 'analysis_runs.id', 'analysis_estimates.run_id')
      .select(['analysis_runs.look', 'z', 'boundary_z', 'events', 'events_port', 'events_no_port', 'information_fraction'])
      .where('population', '=', 'group1').where('endpoint', '=', 'pfs').where('model', '=', 'monitoring').where('term', '=', 'port')
      .orderBy('analysis_runs.look').execute();
    const firstCrossing = path.find((p) => p.boundary_z !== null && p.z !== null && Math.abs(p.z) >= p.boundary_z
      && p.events >= 20 && Math.min(p.events_port ?? 0, p.events_no_port ?? 0) >= 5);
    expect(firstCrossing).toBeDefined();
    expect(firstCrossing?.look).toBeGreaterThan(1);
    // Information fractions (spending times) grow; they may pass 1 after the final analysis (over-run).
    const fractions = path.map((p) => p.information_fraction ?? 0);
    expect(fractions.every((f, k) => f > 0 && (k === 0 || f >= fractions[k - 1]))).toBe(true);
    const alerts = await t.db.selectFrom('alerts').innerJoin('analysis_runs', 'analysis_runs.id', 'alerts.run_id')
      .select(['analysis_runs.look', 'alerts.status', 'alerts.evidence'])
      .where('population', '=', 'group1').where('endpoint', '=', 'pfs').where('rule', '=', 'boundary').execute();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ look: firstCrossing?.look, status: 'fired' });
  });

  it('stores the paper-replication rows with the events of each arm among the rows each fit used, not 0 and 0', async () => {
    for (const cutoff of [YEAR_ENDS[0], YEAR_ENDS[YEAR_ENDS.length - 1]]) {
      const stored = await t.db.selectFrom('analysis_estimates').innerJoin('analysis_runs', 'analysis_runs.id', 'analysis_estimates.run_id')
        .select(['population', 'endpoint', 'model', 'term', 'events', 'events_port', 'events_no_port', 'details'])
        .where('analysis_runs.cutoff', '=', cutoff).where('model', 'in', ['univariate', 'multivariate']).orderBy('analysis_estimates.id').execute();
      expect(stored.length).toBeGreaterThan(40);
      const rows = cohort.rowsAt(dayOf(cutoff));
      for (const population of DEFAULT_PLAN.populations) {
        for (const endpoint of DEFAULT_PLAN.endpoints) {
          const mine = stored.filter((e) => e.population === population.id && e.endpoint === endpoint.id);
          const got = mine.map((e) => ({ term: `${e.model}:${e.term}`, events: e.events, eventsPort: e.events_port, eventsPtr: e.events_no_port }));
          expect(got, `${cutoff} ${population.id}/${endpoint.id}`).toEqual(expectedArmEvents(rows, population, endpoint, mine));
        }
      }
    }
  });

  it('raises no boundary alert in the subgroups without an effect', async () => {
    const alerts = await t.db.selectFrom('alerts').select(['population', 'endpoint'])
      .where('rule', '=', 'boundary').where('population', 'in', ['group2', 'group3']).execute();
    expect(alerts).toEqual([]);
  });

  it('is reproducible: the same cutoff and plan give the same numbers', async () => {
    const again = await createTestDatabase('emerging_again');
    try {
      const d = deps(again, syntheticCohort({ patients: 2500, seed: 7, portLogHr: { group1: Math.log(0.55) } }), true);
      await reanalyze(d, YEAR_ENDS[0]);
      const pick = (db: TestDatabase) => db.db.selectFrom('analysis_estimates').innerJoin('analysis_runs', 'analysis_runs.id', 'analysis_estimates.run_id')
        .select(['population', 'endpoint', 'model', 'term', 'coef', 'se', 'boundary_z', 'analysis_runs.dataset_hash'])
        .where('analysis_runs.cutoff', '=', YEAR_ENDS[0]).orderBy('population').orderBy('endpoint').orderBy('model').orderBy('term').execute();
      expect(await pick(again)).toEqual(await pick(t));
    } finally {
      await again.drop();
    }
  });

  it('refuses a cutoff earlier than the latest look, changing nothing', async () => {
    const before = await t.db.selectFrom('analysis_runs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    await expect(reanalyze(deps(t, syntheticCohort({ patients: 10, seed: 1 })), '2014-06-30')).rejects.toThrow(/precedes the latest analysed cutoff 2018-12-31/);
    const after = await t.db.selectFrom('analysis_runs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

describe('a null stream (no PORT effect anywhere)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('null');
    const d = deps(t, syntheticCohort({ patients: 2500, seed: 11 }));
    for (const cutoff of YEAR_ENDS) await reanalyze(d, cutoff);
  });
  afterAll(() => t.drop());

  it('raises no effect alert (boundary, drift) across the looks', async () => {
    const alerts = await t.db.selectFrom('alerts').select(['population', 'endpoint', 'rule'])
      .where('rule', 'in', ['boundary', 'drift']).execute();
    expect(alerts).toEqual([]);
    const looks = await t.db.selectFrom('analysis_runs').select('look').execute();
    expect(looks).toHaveLength(YEAR_ENDS.length);
  });
});

describe('one run per cutoff', () => {
  it('concurrent requests for the same cutoff store one run; the others get it back', async () => {
    const t = await createTestDatabase('once');
    try {
      const d = deps(t, syntheticCohort({ patients: 600, seed: 3 }));
      const outcomes = await Promise.all([reanalyze(d, '2016-03-31'), reanalyze(d, '2016-03-31'), reanalyze(d, '2016-03-31')]);
      expect(outcomes.filter((o) => o.created)).toHaveLength(1);
      expect(new Set(outcomes.map((o) => o.runId)).size).toBe(1);
      const runs = await t.db.selectFrom('analysis_runs').select('id').execute();
      expect(runs).toHaveLength(1);
    } finally {
      await t.drop();
    }
  });
});
