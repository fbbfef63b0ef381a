// Voiding looks and failed looks (issue 9, item 2): against a real PostgreSQL, the plan run in-process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { startSmtpSink } from '../notify/smtpSink.ts';
import type { SmtpSink } from '../notify/smtpSink.ts';
import { DEFAULT_PLAN } from '../../src/analysis/plan.ts';
import { runPlan } from '../../src/analysis/runPlan.ts';
import { CutoffError } from '../../src/analysis/lookSchedule.ts';
import { reanalyze } from '../../src/jobs/reanalysis.ts';
import type { ReanalysisDeps } from '../../src/jobs/reanalysis.ts';
import { failedLooks, listLooks, voidLook } from '../../src/jobs/looks.ts';
import { newOpsConditions, sendOpsNotices } from '../../src/jobs/opsNotices.ts';
import { addInvestigator, parseSubscriptions } from '../../src/notify/investigators.ts';
import { smtpTransport } from '../../src/notify/transport.ts';
import { dayOf, syntheticCohort } from '../analysis/syntheticCohort.ts';

const FROM = 'CohortWatch <alerts@cohortwatch.test>';
const ALERTS_ONLY = { ...DEFAULT_PLAN, replicationCovariates: [] };
const cohort = syntheticCohort({ patients: 1200, seed: 5, portLogHr: { group1: Math.log(0.35) } });
const deps = (t: TestDatabase, overrides: Partial<ReanalysisDeps> = {}): ReanalysisDeps => ({
  db: t.db, plan: DEFAULT_PLAN, smallCellMin: 11, alertFrom: FROM,
  loadDataset: (_db, cutoff) => Promise.resolve(cohort.rowsAt(dayOf(cutoff))),
  runPlan: (rows) => Promise.resolve(runPlan(ALERTS_ONLY, rows)),
  ...overrides,
});
const A = '2014-12-31';
const B = '2017-12-31';
const C = '2015-06-30';

const monitoring = (t: TestDatabase, cutoff: string) => t.db.selectFrom('analysis_estimates')
  .innerJoin('analysis_runs', 'analysis_runs.id', 'analysis_estimates.run_id')
  .select(['population', 'endpoint', 'analysis_runs.look', 'information_fraction', 'boundary_z', 'repeated_lower', 'repeated_upper', 'details'])
  .where('analysis_runs.cutoff', '=', cutoff).where('analysis_runs.voided_at', 'is', null).where('analysis_runs.status', '=', 'completed')
  .where('model', '=', 'monitoring').where('term', '=', 'port').orderBy('population').orderBy('endpoint').execute();

describe('voiding a look', () => {
  let t: TestDatabase;
  let sink: SmtpSink;

  beforeAll(async () => {
    t = await createTestDatabase('looks');
    sink = await startSmtpSink();
    await addInvestigator(t.db, 'alice@example.org', 'Alice', parseSubscriptions(undefined));
    await reanalyze(deps(t), A);
    const b = await reanalyze(deps(t), B);
    expect(b.alerts.some((a) => a.status === 'fired')).toBe(true);
  });
  afterAll(async () => {
    await sink.close();
    await t.drop();
  });

  it('refuses a future or off-schedule cutoff before storing anything', async () => {
    await expect(reanalyze(deps(t), '2030-12-31')).rejects.toThrow(CutoffError);
    await expect(reanalyze(deps(t), '2018-07-15')).rejects.toThrow(/not on the look schedule/);
    await expect(reanalyze(deps(t), C)).rejects.toThrow(/precedes the latest analysed cutoff 2017-12-31/);
    expect(await t.db.selectFrom('analysis_runs').select('id').execute()).toHaveLength(2);
  });

  it('keeps the voided run on record, voids its alerts and cancels their undelivered mail', async () => {
    const ofB = () => t.db.selectFrom('mail_outbox')
      .innerJoin('analysis_runs', 'analysis_runs.id', 'mail_outbox.run_id').select(['mail_outbox.status', 'mail_outbox.cancel_reason'])
      .where('analysis_runs.cutoff', '=', B).execute();
    const mailsBefore = await ofB();
    expect(mailsBefore.length).toBeGreaterThan(0);
    const outcome = await voidLook(t.db, { cutoff: B, planVersion: DEFAULT_PLAN.version, reason: 'export of 2018-01 was incomplete', by: 'registry-ops' });
    expect(outcome).toMatchObject({ cutoff: B, look: 2, mailsCancelled: mailsBefore.length, laterLooks: [] });
    const run = await t.db.selectFrom('analysis_runs').selectAll().where('id', '=', outcome.runId).executeTakeFirstOrThrow();
    expect(run).toMatchObject({ status: 'completed', void_reason: 'export of 2018-01 was incomplete', voided_by: 'registry-ops' });
    expect(run.voided_at).toBeInstanceOf(Date);
    const alerts = await t.db.selectFrom('alerts').select('voided_at').where('run_id', '=', outcome.runId).execute();
    expect(alerts.length).toBe(outcome.alertsVoided);
    expect(alerts.every((a) => a.voided_at !== null)).toBe(true);
    const mails = await ofB();
    expect(mails.every((m) => m.status === 'cancelled' && /voided by registry-ops/.test(m.cancel_reason ?? ''))).toBe(true);
    await expect(voidLook(t.db, { cutoff: B, planVersion: DEFAULT_PLAN.version, reason: 'again', by: 'x' })).rejects.toThrow(/already voided/);
    await expect(voidLook(t.db, { cutoff: '2013-12-31', planVersion: DEFAULT_PLAN.version, reason: 'r', by: 'x' })).rejects.toThrow(/no completed look at 2013-12-31/);
  });

  it('a voided latest look no longer blocks the next look, whose spending is as if it had never been taken', async () => {
    const next = await reanalyze(deps(t), C);
    expect(next).toMatchObject({ created: true, look: 2 });
    // The same looks without the voided one ever happening, in a database of its own.
    const u = await createTestDatabase('looks_ref');
    try {
      await reanalyze(deps(u), A);
      await reanalyze(deps(u), C);
      const withVoid = await monitoring(t, C);
      expect(withVoid).toHaveLength(16);
      expect(withVoid).toEqual(await monitoring(u, C));
    } finally {
      await u.drop();
    }
  });

  it('the cutoff of a voided look can be analysed again: a new run with new alert ids, the old one kept', async () => {
    const again = await reanalyze(deps(t), B);
    expect(again).toMatchObject({ created: true, look: 3 });
    const voided = await t.db.selectFrom('alerts').innerJoin('analysis_runs', 'analysis_runs.id', 'alerts.run_id')
      .select('alerts.id').where('analysis_runs.cutoff', '=', B).where('analysis_runs.voided_at', 'is not', null).execute();
    for (const alert of again.alerts) expect(voided.map((v) => v.id)).not.toContain(alert.id);
    const looks = await listLooks(t.db);
    expect(looks.map((l) => [l.cutoff, l.state])).toEqual([[A, 'completed'], [C, 'completed'], [B, 'voided'], [B, 'completed']]);
    expect(looks[2]).toMatchObject({ voidReason: 'export of 2018-01 was incomplete', voidedBy: 'registry-ops' });
  });

  it('a failed look is recorded, reported to the operators once, and cleared by a successful retry', async () => {
    const D = '2018-03-31';
    const broken = deps(t, { runPlan: () => Promise.reject(new Error('plan thread ran out of memory')) });
    await expect(reanalyze(broken, D)).rejects.toThrow(/out of memory/);
    const failed = await failedLooks(t.db);
    expect(failed).toMatchObject([{ cutoff: D, failures: 1, error: 'plan thread ran out of memory' }]);
    expect((await listLooks(t.db)).at(-1)).toMatchObject({ cutoff: D, state: 'failed' });

    // A mail undelivered for more than a day is the other condition operators hear about.
    await t.db.updateTable('mail_outbox').set({ status: 'pending', created_at: new Date(Date.now() - 2 * 86_400_000) })
      .where('id', '=', (await t.db.selectFrom('mail_outbox').select('id').orderBy('id').executeTakeFirstOrThrow()).id).execute();
    const transport = smtpTransport(sink.url);
    try {
      const input = { from: FROM, to: 'ops@example.org' };
      expect(await sendOpsNotices(t.db, transport, input)).toBe(2);
      expect(await sendOpsNotices(t.db, transport, input)).toBe(0);
    } finally {
      transport.close();
    }
    await sink.waitFor(1);
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0].subject).toBe('[CohortWatch ops] 2 problem(s) on the alerting path');
    expect(sink.received[0].text).toMatch(/look at cutoff 2018-03-31 .* failed 1 time\(s\); last error: plan thread ran out of memory/);
    expect(sink.received[0].text).toMatch(/Alert mail \d+ to alice@example.org is still pending since/);

    await reanalyze(deps(t), D);
    expect(await failedLooks(t.db)).toEqual([]);
    expect(await newOpsConditions(t.db)).toEqual([]);
  });
});
