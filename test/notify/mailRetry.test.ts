// No alert mail is ever lost (issue 9, items 3 and 4): with SMTP down past the queue's retry budget the
// outbox row is retried by the sweep (and after a scheduler restart) and arrives exactly once when SMTP
// comes back; the operator commands (mail, looks, status, reanalyze) tell what is going on in one line.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { testQueuePrefix } from '../helpers/redis.ts';
import type { TestQueuePrefix } from '../helpers/redis.ts';
import { freePort } from '../pipeline/support/privateServers.ts';
import { startSmtpSink } from './smtpSink.ts';
import type { SmtpSink } from './smtpSink.ts';
import { DEFAULT_PLAN } from '../../src/analysis/plan.ts';
import { runPlan } from '../../src/analysis/runPlan.ts';
import { startAnalysisWorkers } from '../../src/jobs/analysisQueues.ts';
import type { AnalysisWorkers } from '../../src/jobs/analysisQueues.ts';
import { addInvestigator, parseSubscriptions } from '../../src/notify/investigators.ts';
import { smtpTransport } from '../../src/notify/transport.ts';
import type { QueueConfig } from '../../src/workers/queue.ts';
import { dayOf, syntheticCohort } from '../analysis/syntheticCohort.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/cohortwatch.js', import.meta.url).pathname;
const FROM = 'CohortWatch <alerts@cohortwatch.test>';
const CUTOFF = '2017-12-31';
const ALERTS_ONLY = { ...DEFAULT_PLAN, replicationCovariates: [] };

describe('alert mail with SMTP down longer than the retry budget', () => {
  let t: TestDatabase;
  let q: TestQueuePrefix;
  let config: QueueConfig;
  let smtpPort: number;
  let sink: SmtpSink | null = null;
  let workers: AnalysisWorkers | null = null;
  let env: NodeJS.ProcessEnv;

  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };
  const startScheduler = async () => {
    const cohort = syntheticCohort({ patients: 1200, seed: 5, portLogHr: { group1: Math.log(0.35) } });
    workers = await startAnalysisWorkers({
      config, transport: smtpTransport(`smtp://127.0.0.1:${smtpPort}`), alertFrom: FROM,
      retry: { baseMs: 300, maxMs: 600 }, sweepIntervalMs: 150,
      deps: {
        db: t.db, plan: DEFAULT_PLAN, smallCellMin: 11, alertFrom: FROM,
        loadDataset: (_db, cutoff) => Promise.resolve(cohort.rowsAt(dayOf(cutoff))),
        runPlan: (rows) => Promise.resolve(runPlan(ALERTS_ONLY, rows)),
      },
    });
  };
  const outbox = () => t.db.selectFrom('mail_outbox').selectAll().orderBy('id').execute();
  const until = async (what: () => Promise<boolean>, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await what())) {
      if (Date.now() > deadline) throw new Error('condition not reached in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    t = await createTestDatabase('mail_retry');
    q = testQueuePrefix('mail-retry');
    // JOB_ATTEMPTS=2: the queue's budget runs out within a second.
    config = { redisUrl: q.redisUrl, prefix: q.prefix, attempts: 2, backoffMs: 50 };
    smtpPort = await freePort();
    env = { DATABASE_URL: t.url, REDIS_URL: q.redisUrl, QUEUE_PREFIX: q.prefix, SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, ALERT_FROM: FROM, LOG_LEVEL: 'silent' };
    await addInvestigator(t.db, 'alice@example.org', 'Alice', parseSubscriptions(undefined));
    await addInvestigator(t.db, 'bob@example.org', 'Bob', parseSubscriptions('group1:*'));
    await startScheduler();
  });
  afterAll(async () => {
    await workers?.close();
    await sink?.close();
    await q.cleanup();
    await t.drop();
  });

  it('reanalyze --wait with its mail undelivered exits 1 with one line saying why', async () => {
    const result = await cli('reanalyze', '--as-of', CUTOFF, '--wait', '--timeout', '20');
    expect(result.stderr).toMatch(/not delivered/);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as { look: number; mails: { sent: number; pending: number; failed: number } };
    expect(summary.look).toBe(1);
    expect(summary.mails.sent).toBe(0);
    expect(summary.mails.pending + summary.mails.failed).toBeGreaterThan(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^cohortwatch: \d+ alert mail\(s\) of the look at 2017-12-31 not delivered after \d+ s \(.*ECONNREFUSED.*\); the scheduler keeps retrying, see cohortwatch mail list/);
  }, 90_000);

  it('a mail whose queue attempts ran out is retried by the sweep, also after a scheduler restart', async () => {
    // Every row went through at least one more round after its attempts ran out (it was 'failed', then revived).
    await until(async () => (await outbox()).every((m) => m.retry_rounds >= 1 && m.attempts >= 3));
    const status = JSON.parse((await cli('status', '--json')).stdout) as { alerting: { lastLook: { cutoff: string; state: string }; mail: { sent: number; pending: number; failed: number; oldestPendingAgeSeconds: number } } };
    expect(status.alerting.lastLook).toMatchObject({ cutoff: CUTOFF, state: 'completed' });
    expect(status.alerting.mail.sent).toBe(0);
    expect(status.alerting.mail.pending + status.alerting.mail.failed).toBe((await outbox()).length);
    expect(status.alerting.mail.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(0);
    await workers?.close();
    workers = null;
    await startScheduler();
  }, 90_000);

  it('once SMTP is back every mail arrives exactly once, with its Message-ID', async () => {
    sink = await startSmtpSink(smtpPort);
    const rows = await outbox();
    await until(async () => (await outbox()).every((m) => m.status === 'sent'));
    // A few more sweeps: nothing is sent twice.
    await new Promise((r) => setTimeout(r, 1500));
    expect(sink.received).toHaveLength(rows.length);
    expect(sink.received.map((m) => m.messageId).sort()).toEqual(rows.map((r) => r.message_id).sort());
  }, 90_000);

  it('mail resend delivers again with the same Message-ID; mail cancel stops a mail for good; bad requests exit 2', async () => {
    const [first, second] = await outbox();
    await t.db.updateTable('mail_outbox').set({ status: 'failed', next_attempt_at: new Date(Date.now() + 3_600_000) }).where('id', 'in', [first.id, second.id]).execute();
    const before = sink?.received.length ?? 0;
    const resent = await cli('mail', 'resend', String(first.id));
    expect(resent).toMatchObject({ code: 0, stdout: `mail ${first.id}: sent\n` });
    expect(sink?.received.at(-1)?.messageId).toBe(first.message_id);
    expect(sink?.received.length).toBe(before + 1);
    expect((await cli('mail', 'cancel', String(second.id), '--reason', 'investigator left the study'))).toMatchObject({ code: 0 });
    const cancelled = JSON.parse((await cli('mail', 'list', '--json', '--state', 'cancelled')).stdout) as { id: number; cancelReason: string }[];
    expect(cancelled).toMatchObject([{ id: second.id, cancelReason: 'investigator left the study' }]);
    const bad = await cli('mail', 'cancel', '99999', '--reason', 'x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('cohortwatch: no outbox mail with id 99999\n');
  }, 90_000);

  it('looks list and looks void; a future or off-schedule cutoff exits 2 with one line', async () => {
    const future = await cli('reanalyze', '--as-of', '2030-12-31', '--wait');
    expect(future.code).toBe(2);
    expect(future.stderr).toMatch(/^cohortwatch: cutoff 2030-12-31 is in the future \(today is \d{4}-\d{2}-\d{2} in UTC\): a look analyses days that are over\n$/);
    const offSchedule = await cli('reanalyze', '--as-of', '2018-07-15');
    expect(offSchedule.code).toBe(2);
    expect(offSchedule.stderr).toMatch(/^cohortwatch: cutoff 2018-07-15 is not on the look schedule .*nearest: 2018-06-30 or 2018-09-30\); pass --unscheduled for an extra look\n$/);
    const voided = await cli('looks', 'void', CUTOFF, '--reason', 'wrong export', '--by', 'ops');
    expect(voided).toMatchObject({ code: 0 });
    expect(voided.stdout).toMatch(/^voided the look at 2017-12-31 \(run \d+\): \d+ alert\(s\) void, 0 undelivered mail\(s\) cancelled/);
    const looks = JSON.parse((await cli('looks', 'list', '--json')).stdout) as { cutoff: string; state: string; voidReason: string; voidedBy: string }[];
    expect(looks).toMatchObject([{ cutoff: CUTOFF, state: 'voided', voidReason: 'wrong export', voidedBy: 'ops' }]);
  }, 120_000);
});
