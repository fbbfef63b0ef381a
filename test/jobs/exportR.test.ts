// `cohortwatch plan export-r` round trip: a simulated registry monitored look after look through the
// reanalysis job (real PostgreSQL, the event log, the job's monitoring fold), exported, and redone by
// the exported R script with survival and rpact; every number must agree to 1e-6.
import { execFile } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payloadHash, validateEvent } from '../../src/contract/index.ts';
import { DEFAULT_PLAN } from '../../src/analysis/plan.ts';
import { runPlan } from '../../src/analysis/runPlan.ts';
import { pipelineDataset } from '../../src/jobs/datasetLoader.ts';
import type { ExportedLook } from '../../src/jobs/exportR.ts';
import { reanalyze } from '../../src/jobs/reanalysis.ts';
import type { ReanalysisDeps } from '../../src/jobs/reanalysis.ts';
import { simulateEvents } from '../../src/sim/index.ts';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { cli } from '../support/cliProcess.ts';

const run = promisify(execFile);
const HAS_R = spawnSync('Rscript', ['-e', 'suppressMessages({library(survival); library(rpact)})'], { stdio: 'ignore' }).status === 0;
if (!HAS_R) console.warn('test/jobs/exportR.test.ts: skipped the R round trip: Rscript with survival and rpact is not installed (CI installs r-base-core r-cran-survival r-cran-rpact)');

// 2,000 patients, the emerging scenario, yearly looks 2007-2019: a boundary crossing (group 1 PFS), a
// final analysis that completes (group 2 OS reaches its maximum information) and looks after it, gated
// and non-spending early looks.
const REGISTRY = { seed: 3, patients: 2000, scenario: 'emerging', adminEnd: '2019-12-31' } as const;
const CUTOFFS = Array.from({ length: 13 }, (_, k) => `${2007 + k}-12-31`);
const TOLERANCE = 1e-6;

describe('cohortwatch plan export-r', () => {
  let t: TestDatabase;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    t = await createTestDatabase('export_r');
    dir = await mkdtemp(path.join(tmpdir(), 'cw-export-r-'));
    env = { DATABASE_URL: t.url, LOG_LEVEL: 'silent' };
    // The simulated registry, validated by the contract and stored in the event log in bulk.
    const seen = new Set<string>();
    const rows = [];
    for (const raw of simulateEvents(REGISTRY)) {
      const checked = validateEvent(raw);
      if (!checked.ok || seen.has(checked.event.eventId)) continue;
      seen.add(checked.event.eventId);
      const e = checked.event;
      rows.push({
        event_id: e.eventId, patient_id: e.patientId, type: e.type, occurred_on: e.occurredOn, reported_at: e.reportedAt,
        centre: e.centre ?? null, payload: JSON.stringify(e), payload_hash: payloadHash(e),
      });
    }
    for (let i = 0; i < rows.length; i += 2000) await t.db.insertInto('follow_up_events').values(rows.slice(i, i + 2000)).execute();
    // The job itself, with the plan run in-process and restricted to what the monitoring reads (the
    // worker thread and the paper replication change nothing the export carries).
    const deps: ReanalysisDeps = {
      db: t.db, plan: DEFAULT_PLAN, smallCellMin: 11, alertFrom: 'CohortWatch <alerts@cohortwatch.test>',
      loadDataset: pipelineDataset, runPlan: (planRows, plan) => Promise.resolve(runPlan(plan, planRows, { scope: 'alerts' })),
    };
    for (const cutoff of CUTOFFS) await reanalyze(deps, cutoff);
  }, 600_000);
  afterAll(async () => {
    await t.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a date before the first look and a bad date: one line, exit 2, nothing written', async () => {
    const early = await cli(env, 'plan', 'export-r', '--as-of', '2005-06-30', '--out', path.join(dir, 'early'));
    expect(early.code).toBe(2);
    expect(early.stderr.trim()).toBe('cohortwatch plan export-r: no completed look on or before 2005-06-30: run `cohortwatch reanalyze --as-of 2005-06-30 --wait` first');
    const bad = await cli(env, 'plan', 'export-r', '--as-of', '2019-02-30', '--out', path.join(dir, 'bad'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid cutoff "2019-02-30"/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  }, 180_000);

  it.skipIf(!HAS_R)('R (survival + rpact) reproduces every primary estimand\'s Cox fit and boundary history to 1e-6', async () => {
    const out = path.join(dir, 'look');
    const exported = await cli(env, 'plan', 'export-r', '--as-of', '2020-03-31', '--out', out);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/^look 13 \(cutoff 2019-12-31, plan cw-plan-2\): 2000 patients, 6 primary estimands/);
    const ours = JSON.parse(await readFile(path.join(out, 'cohortwatch.json'), 'utf8')) as ExportedLook;
    expect(ours.datasetUnchanged).toBe(true);
    // The dataset carries no patient id.
    expect(await readFile(path.join(out, 'analysis-dataset.csv'), 'utf8')).not.toMatch(/P\d{7}/);

    const { stdout } = await run('Rscript', [path.join(out, 'refit-monitoring.R')], { timeout: 540_000 });
    const r = JSON.parse(stdout) as { cutoff: string; estimands: Record<string, unknown>[] };
    expect(r.cutoff).toBe('2019-12-31');
    const differences: string[] = [];
    const compare = (where: string, a: unknown, b: unknown) => {
      if (a === null || b === null || typeof a !== 'number' || typeof b !== 'number') {
        if (a !== b) differences.push(`${where}: CohortWatch ${String(a)}, R ${String(b)}`);
      } else if (!(Math.abs(a - b) <= TOLERANCE)) differences.push(`${where}: CohortWatch ${a}, R ${b} (|diff| ${Math.abs(a - b).toExponential(2)})`);
    };
    const fields = ['n', 'events', 'nPort', 'coef', 'se', 'z', 'hr', 'maxEvents', 'informationFraction', 'alpha', 'alphaSpent',
      'boundaryZ', 'boundaryHrLower', 'boundaryHrUpper', 'repeatedLower', 'repeatedUpper'] as const;
    let spendingLooks = 0;
    for (const e of ours.estimands) {
      expect(e.firth).toBe(false);
      const theirs = r.estimands.find((x) => x.population === e.population && x.endpoint === e.endpoint);
      expect(theirs, `${e.population}/${e.endpoint}`).toBeDefined();
      for (const f of fields) compare(`${e.population}/${e.endpoint} ${f}`, e[f], theirs?.[f]);
      const rLooks = (theirs?.looks ?? []) as Record<string, unknown>[];
      expect(rLooks).toHaveLength(e.looks.length);
      e.looks.forEach((l, k) => {
        for (const f of ['events', 'informationFraction', 'alphaSpent', 'boundaryZ'] as const) compare(`${e.population}/${e.endpoint} ${l.cutoff} ${f}`, l[f], rLooks[k]?.[f]);
        if (l.boundaryZ !== null) spendingLooks++;
      });
    }
    expect(differences).toEqual([]);
    // The history exercised the recursion: many spending looks, a crossing and a completed estimand.
    expect(spendingLooks).toBeGreaterThan(20);
    const states = await t.db.selectFrom('monitoring_looks').select(['state']).distinct().execute();
    expect(states.map((s) => s.state)).toEqual(expect.arrayContaining(['crossed', 'complete']));
  }, 900_000);
});
