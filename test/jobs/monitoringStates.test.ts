// Simulated registries of 426 and 2,000 patients monitored to the end of the plan's surveillance
// horizon through the reanalysis job: every primary estimand ends crossed or complete, says so in an
// alert (and its mail), and no estimand falls silent on the way.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { DEFAULT_PLAN, planFromDocument } from '../../src/analysis/plan.ts';
import { parsePlanDocument } from '../../src/analysis/planDocument.ts';
import { runPlan } from '../../src/analysis/runPlan.ts';
import { monitoringReport } from '../../src/jobs/monitoringReport.ts';
import { boundaryTables } from '../../src/jobs/reportInput/boundaryTables.ts';
import { boundarySection } from '../../src/reports/sections/boundarySection.ts';
import type { ReportInput } from '../../src/reports/reportInput.ts';
import { reanalyze } from '../../src/jobs/reanalysis.ts';
import { addInvestigator, parseSubscriptions } from '../../src/notify/investigators.ts';
import { simulateEvents } from '../../src/sim/index.ts';
import { datasetAsOf, storeEvents } from '../../src/sim/calibration/analysisDataset.ts';
import { parseCutoff } from '../../src/timeline/index.ts';

// The shipped plan with its surveillance horizon brought forward to the last look of the test.
const HORIZON_END = '2020-12-31';
const parsed = parsePlanDocument({
  ...DEFAULT_PLAN.document, version: 'test-horizon-2020',
  primary: DEFAULT_PLAN.document.primary.map((p) => ({ ...p, design: { ...p.design, horizon: { from: '2000-10-01', to: HORIZON_END } } })),
});
if (!parsed.ok) throw new Error(parsed.problems.join('; '));
const PLAN = planFromDocument(parsed.document);
const run = promisify(execFile);
const BIN = new URL('../../bin/cohortwatch.js', import.meta.url).pathname;
const LOOKS = ['2008-12-31', '2011-12-31', '2014-12-31', '2017-12-31', HORIZON_END];

async function monitor(label: string, patients: number, seed: number): Promise<TestDatabase> {
  const t = await createTestDatabase(label);
  await addInvestigator(t.db, 'dsmb@example.org', 'DSMB', parseSubscriptions(undefined));
  const registry = storeEvents(simulateEvents({ seed, patients, scenario: 'paper', adminEnd: HORIZON_END }));
  for (const cutoff of LOOKS) {
    await reanalyze({
      db: t.db, plan: PLAN, smallCellMin: 11, alertFrom: 'CohortWatch <alerts@cohortwatch.test>',
      loadDataset: (_db, c) => Promise.resolve(datasetAsOf(registry, parseCutoff(c))),
      // What the alert rules read is enough here; the job's monitoring look is the production one.
      runPlan: (rows, plan) => Promise.resolve(runPlan(plan, rows, { scope: 'alerts' })),
    }, cutoff);
  }
  return t;
}

for (const [patients, seed] of [[426, 3], [2000, 4]] as const) {
  describe(`a simulated registry of ${patients} patients monitored to the horizon (${HORIZON_END})`, () => {
    let t: TestDatabase;
    beforeAll(async () => { t = await monitor(`states_${patients}`, patients, seed); }, 240_000);
    afterAll(() => t.drop());

    it('every primary estimand ends crossed or complete, with an alert and a mail saying so', async () => {
      const rows = await t.db.selectFrom('monitoring_looks').innerJoin('analysis_runs', 'analysis_runs.id', 'monitoring_looks.run_id')
        .selectAll('monitoring_looks').select(['analysis_runs.cutoff', 'analysis_runs.look']).orderBy('analysis_runs.look').execute();
      const last = rows.filter((r) => r.cutoff === HORIZON_END);
      expect(last.map((r) => `${r.population}/${r.endpoint}`).sort()).toEqual(PLAN.primary.map((p) => `${p.population}/${p.endpoint}`).sort());
      for (const final of last) {
        expect(['crossed', 'complete']).toContain(final.state);
        const key = `${final.population}/${final.endpoint}`;
        const path = rows.filter((r) => `${r.population}/${r.endpoint}` === key);
        const ended = path.find((r) => r.state === final.state);
        expect(ended?.statement, key).toMatch(final.state === 'crossed' ? /crossed its boundary for (benefit|harm) of PORT/ : /is complete: no effect detected at the planned information/);
        const alert = await t.db.selectFrom('alerts').innerJoin('analysis_runs', 'analysis_runs.id', 'alerts.run_id')
          .select(['alerts.id', 'alerts.rule', 'alerts.summary', 'alerts.status'])
          .where('analysis_runs.look', '=', ended?.look ?? -1).where('alerts.population', '=', final.population).where('alerts.endpoint', '=', final.endpoint)
          .where('alerts.rule', '=', final.state === 'crossed' ? 'boundary' : 'state').executeTakeFirst();
        expect(alert?.summary, key).toBe(ended?.statement);
        // The look's digests say it (every investigator here subscribes to every estimand).
        const mails = await t.db.selectFrom('mail_outbox').innerJoin('analysis_runs', 'analysis_runs.id', 'mail_outbox.run_id')
          .select(['mail_outbox.text_body']).where('analysis_runs.look', '=', ended?.look ?? -1).execute();
        expect(mails.length).toBeGreaterThan(0);
        for (const mail of mails) expect(mail.text_body).toContain(ended?.statement ?? '<none>');
        if (final.state === 'complete') {
          // The final analysis spent everything the family had left.
          expect(Math.abs(final.alpha_spent - final.alpha)).toBeLessThan(1e-9);
        }
      }
    });

    it('no estimand goes silent: a look per estimand every time, and every state change is an alert', async () => {
      const runs = await t.db.selectFrom('analysis_runs').select(['id', 'look']).orderBy('look').execute();
      expect(runs).toHaveLength(LOOKS.length);
      const rows = await t.db.selectFrom('monitoring_looks').innerJoin('analysis_runs', 'analysis_runs.id', 'monitoring_looks.run_id')
        .selectAll('monitoring_looks').select(['analysis_runs.look']).orderBy('analysis_runs.look').execute();
      const alerts = await t.db.selectFrom('alerts').innerJoin('analysis_runs', 'analysis_runs.id', 'alerts.run_id')
        .select(['analysis_runs.look', 'alerts.population', 'alerts.endpoint', 'alerts.rule', 'alerts.summary']).execute();
      for (const primary of PLAN.primary) {
        const path = rows.filter((r) => r.population === primary.population && r.endpoint === primary.endpoint);
        expect(path.map((r) => r.look)).toEqual(runs.map((r) => r.look));
        path.forEach((r, k) => {
          const before = k === 0 ? 'accruing' : path[k - 1].state;
          if (r.state === before) return;
          expect(r.statement, `${primary.population}/${primary.endpoint} look ${r.look}`).not.toBeNull();
          expect(alerts.some((a) => a.look === r.look && a.population === r.population && a.endpoint === r.endpoint && a.summary === r.statement)).toBe(true);
        });
        // Alpha is spent monotonically, never beyond the estimand's share; spending times never decrease.
        path.forEach((r, k) => {
          expect(r.alpha_spent).toBeLessThanOrEqual(primary.alpha + 1e-15);
          if (k > 0) {
            expect(r.alpha_spent).toBeGreaterThanOrEqual(path[k - 1].alpha_spent);
            expect(r.information_fraction ?? 0).toBeGreaterThanOrEqual(path[k - 1].information_fraction ?? 0);
          }
        });
      }
    });
    it.runIf(patients === 426)('the monitoring JSON has, per primary estimand, exactly the documented fields, its looks up to the as-of date', async () => {
      const json = await monitoringReport(t.db, HORIZON_END, PLAN);
      expect(json.map((e) => `${e.population}/${e.endpoint}`)).toEqual(PLAN.primary.map((p) => `${p.population}/${p.endpoint}`));
      for (const e of json) {
        expect(Object.keys(e).sort()).toEqual(['alpha', 'alphaSpent', 'boundaryZ', 'coef', 'conditionalPower', 'endpoint', 'events', 'hr', 'informationFraction',
          'looks', 'maxEvents', 'population', 'repeatedLower', 'repeatedUpper', 'se', 'side', 'state', 'z'].sort());
        expect(Object.keys(e.conditionalPower).sort()).toEqual(['design', 'trend']);
        expect(e.looks.map((l) => l.cutoff)).toEqual(LOOKS);
        for (const l of e.looks) expect(Object.keys(l).sort()).toEqual(['alphaSpent', 'boundaryZ', 'cutoff', 'events', 'informationFraction', 'state', 'z']);
        expect(['crossed', 'complete']).toContain(e.state);
        // A look that spends nothing has boundaryZ null, never a made-up number.
        for (const l of e.looks) if (l.boundaryZ !== null) expect(l.boundaryZ).toBeGreaterThan(0);
        expect(e.looks.at(-1)?.state).toBe(e.state);
      }
      const earlier = await monitoringReport(t.db, '2012-06-30', PLAN);
      expect(earlier.every((e) => e.looks.length === 2)).toBe(true);
    });

    it.runIf(patients === 426)('cohortwatch monitoring --as-of prints it; a bad date exits 2 with a one-line error', async () => {
      const env = { ...process.env, DATABASE_URL: t.url, LOG_LEVEL: 'silent' };
      const { stdout } = await run(process.execPath, [BIN, 'monitoring', '--as-of', '2015-01-01', '--json'], { env, timeout: 60_000 });
      const json = JSON.parse(stdout) as { looks: unknown[] }[];
      expect(json).toHaveLength(6);
      expect(json.every((e) => e.looks.length === 3)).toBe(true);
      const bad = await run(process.execPath, [BIN, 'monitoring', '--as-of', '2015-13-01'], { env, timeout: 60_000 }).catch((e: unknown) => e as { code: number; stderr: string });
      expect(bad).toMatchObject({ code: 2 });
      // One error line (commander then shows the usage, as for every command), no stack trace.
      const stderr = (bad as { stderr: string }).stderr;
      expect(stderr.split('\n')[0]).toMatch(/--as-of.*2015-13-01/);
      expect(stderr).not.toMatch(/\n\s+at /);
    });

    it.runIf(patients === 426)('the report\'s boundary table: every look so far, then the planned looks with their boundaries', async () => {
      const tables = await boundaryTables(t.db, '2014-12-31', PLAN);
      expect(tables.map((b) => `${b.population}/${b.endpoint}`)).toEqual(PLAN.primary.map((p) => `${p.population}/${p.endpoint}`));
      for (const table of tables) {
        const taken = table.rows.filter((r) => r.look !== null);
        const planned = table.rows.filter((r) => r.look === null);
        expect(taken.map((r) => r.cutoff)).toEqual(LOOKS.slice(0, 3));
        if (table.state === 'crossed' || table.state === 'complete') expect(planned).toEqual([]);
        else {
          // The design still plans looks up to information 1, where the family's whole alpha is spent.
          expect(planned.length).toBeGreaterThan(0);
          expect(planned.at(-1)?.informationFraction).toBe(1);
          expect(Math.abs((planned.at(-1)?.alphaSpent ?? 0) - table.alpha)).toBeLessThan(1e-9);
        }
        const spent = table.rows.map((r) => r.alphaSpent);
        expect(spent.every((a, k) => k === 0 || a >= spent[k - 1])).toBe(true);
      }
      const section = boundarySection({ boundaryTables: tables, privacy: { smallCellMin: 11 } } as unknown as ReportInput);
      expect(section.html).toContain('planned');
      expect(section.tables['boundary-tables'].rows.length).toBe(tables.reduce((n, b) => n + b.rows.length, 0));
    });
  });
}
