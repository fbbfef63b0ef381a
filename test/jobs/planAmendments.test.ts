// The amendment rules, end to end through the reanalysis job and the stored history.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { DEFAULT_PLAN } from '../../src/analysis/plan.ts';
import { parsePlanDocument } from '../../src/analysis/planDocument.ts';
import type { PlanDocument } from '../../src/analysis/planDocument.ts';
import { runPlan } from '../../src/analysis/runPlan.ts';
import { AmendmentRefusedError, amendPlan, planHistory } from '../../src/jobs/planAmendments.ts';
import { reanalyze } from '../../src/jobs/reanalysis.ts';
import { failedLooks, listLooks } from '../../src/jobs/looks.ts';
import { sweepAlertingPath } from '../../src/jobs/alertingSweep.ts';
import { createMailQueue, createReanalysisQueue } from '../../src/jobs/analysisQueues.ts';
import { smtpTransport } from '../../src/notify/transport.ts';
import { testQueuePrefix } from '../helpers/redis.ts';
import { alertingStatus } from '../../src/cli/status.ts';
import { loadLookRows, lookRowsMarkdown } from '../../src/demo/lookSummary.ts';
import type { ReanalysisDeps } from '../../src/jobs/reanalysis.ts';
import { dayOf, syntheticCohort } from '../analysis/syntheticCohort.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/cohortwatch.js', import.meta.url).pathname;

function amended(version: string, change: (doc: PlanDocument) => PlanDocument): PlanDocument {
  const parsed = parsePlanDocument(change({ ...structuredClone(DEFAULT_PLAN.document), version }));
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.document;
}
const withPrimary = (doc: PlanDocument, key: string, change: (p: PlanDocument['primary'][number]) => PlanDocument['primary'][number]): PlanDocument => ({
  ...doc, primary: doc.primary.map((p) => (`${p.population}/${p.endpoint}` === key ? change(p) : p)),
});

describe('plan amendments', () => {
  let t: TestDatabase;
  let deps: ReanalysisDeps;
  const dir = mkdtempSync(join(tmpdir(), 'cw-amend-'));
  const looksOf = (key: string) => t.db.selectFrom('monitoring_looks').innerJoin('analysis_runs', 'analysis_runs.id', 'monitoring_looks.run_id')
    .selectAll('monitoring_looks').select(['analysis_runs.cutoff', 'analysis_runs.plan_hash'])
    .where(sql<string>`monitoring_looks.population || '/' || monitoring_looks.endpoint`, '=', key).orderBy('analysis_runs.cutoff').execute();

  beforeAll(async () => {
    t = await createTestDatabase('amendments');
    const cohort = syntheticCohort({ patients: 2000, seed: 21, portLogHr: { group1: Math.log(0.8) } });
    deps = {
      db: t.db, plan: DEFAULT_PLAN, smallCellMin: 11, alertFrom: 'CohortWatch <alerts@cohortwatch.test>',
      loadDataset: (_db, cutoff) => Promise.resolve(cohort.rowsAt(dayOf(cutoff))),
      runPlan: (rows, plan) => Promise.resolve(runPlan(plan, rows, { scope: 'alerts' })),
    };
    for (const cutoff of ['2012-12-31', '2014-12-31']) await reanalyze(deps, cutoff);
  }, 180_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.drop();
  });

  it('refuses an effective date on or before a look already taken (looks are never re-judged), writing nothing', async () => {
    const doc = amended('cw-plan-2a', (d) => d);
    await expect(amendPlan(t.db, DEFAULT_PLAN, { document: doc, effectiveFrom: '2014-12-31', reason: 'r', by: 'b' }))
      .rejects.toThrow(/not after the latest look \(2014-12-31\); looks already taken are never re-judged/);
    expect(await t.db.selectFrom('plan_amendments').selectAll().execute()).toEqual([]);
  });

  it('refuses an alpha share below what the estimand has already spent (spent alpha stays spent)', async () => {
    const [, second] = await looksOf('group1/pfs');
    expect(second.alpha_spent).toBeGreaterThan(0);
    const doc = amended('cw-plan-2b', (d) => withPrimary(d, 'group1/pfs', (p) => ({ ...p, alpha: second.alpha_spent / 2 })));
    const refused = await amendPlan(t.db, DEFAULT_PLAN, { document: doc, effectiveFrom: '2015-01-01', reason: 'r', by: 'b' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AmendmentRefusedError);
    expect((refused as AmendmentRefusedError).problems).toEqual([expect.stringMatching(/^primary\.group1\/pfs\.alpha: .* is below the .* already spent; spent alpha stays spent$/)]);
  });

  it('a design amendment continues the spending; a changed definition starts a new family with the alpha left', async () => {
    const before1 = await looksOf('group1/pfs');
    const before2 = await looksOf('group2/os');
    const doc = amended('cw-plan-2c', (d) => ({
      ...withPrimary(d, 'group1/pfs', (p) => ({ ...p, design: { ...p.design, maxInformation: { rule: 'events', maxEvents: 150 } } })),
      // Group 2's monitoring model loses a covariate: its estimands are defined anew.
      populations: d.populations.map((p) => (p.id === 'group2' ? { ...p, monitoringCovariates: ['metastasesOver5', 'notBoneOnly'] } : p)),
    }));
    const { check } = await amendPlan(t.db, DEFAULT_PLAN, { document: doc, effectiveFrom: '2015-01-01', reason: 'cap group 1 PFS at 150 events; simpler group 2 model', by: 'J. Doe' });
    expect(check.notes).toEqual(expect.arrayContaining([
      expect.stringMatching(/^group1\/pfs: design amended, spending continues/),
      expect.stringMatching(/^group2\/os: definition changed, a new spending family starts with alpha/),
    ]));
    const outcome = await reanalyze(deps, '2016-12-31');
    const runs = await t.db.selectFrom('analysis_runs').select(['cutoff', 'plan_version', 'plan_hash']).orderBy('cutoff').execute();
    expect(runs.map((r) => r.plan_version)).toEqual(['cw-plan-2', 'cw-plan-2', 'cw-plan-2c']);
    expect(runs.map((r) => r.plan_hash)).toEqual([DEFAULT_PLAN.hash, DEFAULT_PLAN.hash, expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(runs[2].plan_hash).not.toBe(DEFAULT_PLAN.hash);

    // Earlier looks are untouched.
    const after1 = await looksOf('group1/pfs');
    expect(after1.slice(0, 2)).toEqual(before1);
    // Same family; alpha spent grows from what was spent, with the new maximum (150 events).
    const look3 = after1[2];
    expect(look3.family).toBe(before1[1].family);
    expect(look3.max_events).toBe(150);
    expect(look3.alpha_spent).toBeGreaterThanOrEqual(before1[1].alpha_spent);

    const after2 = await looksOf('group2/os');
    expect(after2.slice(0, 2)).toEqual(before2);
    const fresh = after2[2];
    expect(fresh.family).not.toBe(before2[1].family);
    expect(fresh.alpha).toBeCloseTo(0.05 / 6 - before2[1].alpha_spent, 15);
    expect(fresh.statement).toMatch(/restarts as a new spending family under plan cw-plan-2c/);
    expect(outcome.alerts.some((a) => a.population === 'group2' && a.endpoint === 'os' && a.rule === 'state' && /new spending family/.test(a.summary))).toBe(true);
  });

  it('status, looks list and the demo summary show the live looks of every plan version', async () => {
    const versions = ['cw-plan-2', 'cw-plan-2', 'cw-plan-2c'];
    expect((await listLooks(t.db)).map((l) => [l.cutoff, l.planVersion, l.state])).toEqual([
      ['2012-12-31', 'cw-plan-2', 'completed'], ['2014-12-31', 'cw-plan-2', 'completed'], ['2016-12-31', 'cw-plan-2c', 'completed'],
    ]);
    const status = await alertingStatus(t.db);
    expect(status.liveLooks).toEqual([
      { planVersion: 'cw-plan-2', looks: 2, first: '2012-12-31', last: '2014-12-31' },
      { planVersion: 'cw-plan-2c', looks: 1, first: '2016-12-31', last: '2016-12-31' },
    ]);
    expect(status.lastLook).toMatchObject({ cutoff: '2016-12-31', planVersion: 'cw-plan-2c', look: 3, state: 'completed' });
    const rows = (await loadLookRows(t.db)).filter((r) => r.population === 'group1' && r.endpoint === 'pfs');
    expect(rows.map((r) => r.planVersion)).toEqual(versions);
    const summary = lookRowsMarkdown(rows, { scenario: 'x', seed: 1, patients: 2000, planVersion: 'cw-plan-2', smallCellMin: 11 });
    expect(summary).toContain('plans `cw-plan-2` (looks 1-2), then `cw-plan-2c` (looks 3-3).');
    expect(summary).toMatch(/\| 3 \| 2016-12-31 \| cw-plan-2c \| /);
  });

  it('keeps the history append-only, and shows it', async () => {
    await expect(sql`delete from plan_amendments`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`update plan_amendments set reason = 'x'`.execute(t.db)).rejects.toThrow(/append-only/);
    const history = await planHistory(t.db, DEFAULT_PLAN);
    expect(history.map((h) => [h.version, h.effectiveFrom, h.by])).toEqual([['cw-plan-2', null, 'CohortWatch'], ['cw-plan-2c', '2015-01-01', 'J. Doe']]);
  });

  it('cohortwatch plan amend: refusals exit 2 with one line per problem; plan history --json lists the amendments', async () => {
    const env = { ...process.env, DATABASE_URL: t.url, LOG_LEVEL: 'silent' };
    const cli = async (...args: string[]) => {
      try {
        const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env, timeout: 60_000 });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const e = error as { code?: number; stdout?: string; stderr?: string };
        return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
      }
    };
    const file = join(dir, 'amend.json');
    // Reuses a version and drops group 3 OS, which is still being monitored.
    writeFileSync(file, JSON.stringify({ ...DEFAULT_PLAN.document, primary: DEFAULT_PLAN.document.primary.filter((p) => !(p.population === 'group3' && p.endpoint === 'os')) }));
    const refused = await cli('plan', 'amend', file, '--effective-from', '2017-06-30', '--reason', 'drop', '--by', 'X');
    expect(refused.code).toBe(2);
    const lines = refused.stderr.trim().split('\n');
    expect(lines).toEqual([
      `${file}: version: "cw-plan-2" is already used; an amended plan needs a new version`,
      expect.stringMatching(new RegExp(`^${file}: primary: group3/os is still \\w+ and may not be dropped`)),
    ]);
    const badDate = await cli('plan', 'amend', file, '--effective-from', '2017-02-30', '--reason', 'x', '--by', 'X');
    expect(badDate.code).toBe(2);
    const history = await cli('plan', 'history', '--json');
    expect(history.code).toBe(0);
    expect((JSON.parse(history.stdout) as { version: string }[]).map((h) => h.version)).toEqual(['cw-plan-2', 'cw-plan-2c']);
  });

  it('a look that fails under the amended plan is recorded under it, retried by the sweep, and cleared by its success', async () => {
    const cutoff = '2017-12-31';
    const broken = { ...deps, runPlan: () => Promise.reject(new Error('plan thread crashed')) };
    await expect(reanalyze(broken, cutoff)).rejects.toThrow(/crashed/);
    const failed = await t.db.selectFrom('analysis_runs').select('plan_version').where('status', '=', 'failed').execute();
    expect(failed.map((r) => r.plan_version)).toEqual(['cw-plan-2c']);
    expect(await failedLooks(t.db)).toMatchObject([{ cutoff, planVersion: 'cw-plan-2c', failures: 1 }]);

    const q = testQueuePrefix('amend-sweep');
    const config = { redisUrl: q.redisUrl, prefix: q.prefix, attempts: 1, backoffMs: 10 };
    const reanalysisQueue = createReanalysisQueue(config);
    const mailQueue = createMailQueue(config);
    const transport = smtpTransport('smtp://127.0.0.1:1');
    const sweep = () => sweepAlertingPath({
      db: t.db, reanalysisQueue, mailQueue, transport, alertFrom: deps.alertFrom, retry: { baseMs: 0, maxMs: 0 },
    });
    try {
      expect((await sweep()).looksRetried).toEqual([cutoff]);
      const queued = await reanalysisQueue.getJobs(['waiting']);
      expect(queued.map((j) => j.data.cutoff)).toEqual([cutoff]);
      // The retry (here in-process rather than by a worker) succeeds: nothing is left to retry.
      await reanalyze(deps, cutoff);
      expect(await failedLooks(t.db)).toEqual([]);
      expect((await sweep()).looksRetried).toEqual([]);
    } finally {
      transport.close();
      await Promise.all([reanalysisQueue.close(), mailQueue.close()]);
      await q.cleanup();
    }
  }, 120_000);
});
