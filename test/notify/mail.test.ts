import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { testQueuePrefix } from '../helpers/redis.ts';
import type { TestQueuePrefix } from '../helpers/redis.ts';
import { startSmtpSink } from './smtpSink.ts';
import type { SmtpSink } from './smtpSink.ts';
import { DEFAULT_PLAN } from '../../src/analysis/plan.ts';
import { runPlan } from '../../src/analysis/runPlan.ts';
import { reanalyze } from '../../src/jobs/reanalysis.ts';
import { createMailQueue, enqueueMails, startAnalysisWorkers } from '../../src/jobs/analysisQueues.ts';
import { addInvestigator, parseSubscriptions } from '../../src/notify/investigators.ts';
import { deliverOutboxMail, pendingOutboxIds } from '../../src/notify/deliverOutbox.ts';
import type { ReanalysisDeps } from '../../src/jobs/reanalysis.ts';
import { smtpTransport } from '../../src/notify/transport.ts';
import type { QueueConfig } from '../../src/workers/queue.ts';
import { dayOf, syntheticCohort } from '../analysis/syntheticCohort.ts';

const FROM = 'CohortWatch <alerts@cohortwatch.test>';
const CUTOFF = '2017-12-31';
const run = promisify(execFile);
const BIN = new URL('../../bin/cohortwatch.js', import.meta.url).pathname;
// A strong group 1 effect in a small registry: boundary crossing at the first look, small cells elsewhere.
const cohort = syntheticCohort({ patients: 1200, seed: 5, portLogHr: { group1: Math.log(0.35) } });

describe('one digest per investigator per look, through the outbox to a real SMTP server', () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  let q: TestQueuePrefix;
  let config: QueueConfig;
  let child: ChildProcess | null = null;
  // Later looks: the registry reported nothing new since CUTOFF (its data as of CUTOFF).
  const deps = (over: Partial<ReanalysisDeps> = {}): ReanalysisDeps => ({
    db: t.db, plan: DEFAULT_PLAN, smallCellMin: 11, alertFrom: FROM,
    loadDataset: (_db, cutoff) => Promise.resolve(cohort.rowsAt(dayOf(cutoff < CUTOFF ? cutoff : CUTOFF))),
    runPlan: (rows) => Promise.resolve(runPlan(DEFAULT_PLAN, rows)),
    ...over,
  });

  beforeAll(async () => {
    t = await createTestDatabase('mail');
    sink = await startSmtpSink();
    q = testQueuePrefix('analysis-mail');
    config = { redisUrl: q.redisUrl, prefix: q.prefix, attempts: 5, backoffMs: 200 };
    await addInvestigator(t.db, 'alice@example.org', 'Alice', parseSubscriptions(undefined));
    await addInvestigator(t.db, 'bob@example.org', 'Bob', parseSubscriptions('group1:pfs,group2:*'));
    await addInvestigator(t.db, 'carol@example.org', 'Carol', parseSubscriptions('group3:os'));
    const outcome = await reanalyze(deps({ reportBaseUrl: 'https://cohortwatch.example.org/' }), CUTOFF);
    expect(outcome.alerts.some((a) => a.rule === 'boundary' && a.population === 'group1' && a.status === 'fired')).toBe(true);
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await sink.close();
    await q.cleanup();
    await t.drop();
  });

  it('a look sends at most one mail per investigator: their signals in words, the state changes, the forest table, the report link', async () => {
    const outbox = await t.db.selectFrom('mail_outbox').selectAll().orderBy('id').execute();
    const run1 = await t.db.selectFrom('analysis_runs').select('id').where('cutoff', '=', CUTOFF).executeTakeFirstOrThrow();
    expect(outbox.every((o) => o.run_id === run1.id && o.alert_id === null)).toBe(true);
    expect(outbox.map((o) => o.recipient).sort()).toEqual(['alice@example.org', 'bob@example.org', 'carol@example.org']);
    const body = (who: string) => outbox.find((o) => o.recipient === who)?.text_body ?? '';
    const alice = body('alice@example.org');
    // New signals first, in a clinician's words, then the state changes.
    expect(alice.indexOf('NEW AND REOPENED SIGNALS')).toBeGreaterThan(-1);
    expect(alice.indexOf('NEW AND REOPENED SIGNALS')).toBeLessThan(alice.indexOf('MONITORING STATE CHANGES'));
    expect(alice).toMatch(/In group 1 \(T1\/2, non-TNBC\), PORT patients had a lower hazard of (death|progression or death) than patients with PTR alone: HR 0\.\d\d, repeated 99\.2% CI 0\.\d\d-0\.\d\d\./);
    expect(alice).toContain('What you are asked to do:');
    expect(alice).toContain(`The look's report: https://cohortwatch.example.org/looks/${CUTOFF}/report.html`);
    expect(alice).toContain('PORT HAZARD RATIOS AT THIS LOOK');
    // Carol (group 3 OS) reads only about group 3 OS: no signal of another estimand.
    const carol = body('carol@example.org');
    expect(carol).not.toContain('NEW AND REOPENED SIGNALS');
    expect(carol).toMatch(/PORT and overall survival in group 3 \(TNBC\), monitoring state changed/);
    expect(carol).not.toMatch(/Signal #\d+ \([^)]*\): PORT and \S+ \S* ?in group [12]/);
    const signals = await t.db.selectFrom('signals').selectAll().execute();
    expect(signals.some((s) => s.population === 'group1' && s.rule === 'boundary' && s.state === 'open')).toBe(true);
    expect(signals.every((s) => s.rule !== ('validity' as string))).toBe(true);
  });

  it('a worker killed mid-delivery loses no digest, and the resend carries the same Message-ID', async () => {
    const outbox = await t.db.selectFrom('mail_outbox').selectAll().orderBy('id').execute();

    child = spawn(process.execPath, ['--import', 'tsx', new URL('./mailWorkerChild.ts', import.meta.url).pathname], {
      env: { ...process.env, DATABASE_URL: t.url, REDIS_URL: config.redisUrl, QUEUE_PREFIX: config.prefix, SMTP_URL: sink.url, ALERT_FROM: FROM },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const running = child;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    await new Promise<void>((resolve) => running.stdout?.once('data', () => resolve()));
    // The server has the whole message; the worker dies before it hears 250 and before it records "sent".
    sink.onMessage = async () => {
      sink.onMessage = null;
      running.kill('SIGKILL');
      await exited;
    };
    const mailQueue = createMailQueue(config);
    await enqueueMails(mailQueue, t.db, await pendingOutboxIds(t.db));
    await mailQueue.close();
    await sink.waitFor(1);
    await exited;
    child = null;
    expect((await pendingOutboxIds(t.db))).toHaveLength(outbox.length);

    const workers = await startAnalysisWorkers({
      config, transport: smtpTransport(sink.url), alertFrom: FROM, lockDuration: 2000, stalledInterval: 500,
      deps: { db: t.db, plan: DEFAULT_PLAN, smallCellMin: 11, alertFrom: FROM, loadDataset: () => Promise.resolve([]) },
    });
    try {
      await sink.waitFor(outbox.length + 1, 45_000);
      for (let i = 0; i < 100 && (await pendingOutboxIds(t.db)).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await workers.close();
    }
    expect(await pendingOutboxIds(t.db)).toEqual([]);
    const ids = sink.received.map((m) => m.messageId);
    expect(ids).toHaveLength(outbox.length + 1);
    // Every alert mail arrived; the one interrupted arrived twice with the same Message-ID.
    for (const row of outbox) expect(ids).toContain(row.message_id);
    expect(new Set(ids).size).toBeLessThanOrEqual(outbox.length);
    expect(ids.filter((id) => id === ids[0])).toHaveLength(2);
  }, 90_000);

  it('each Message-ID is stable per look and recipient', async () => {
    const rows = await t.db.selectFrom('mail_outbox').select(['run_id', 'message_id']).execute();
    for (const row of rows) expect(row.message_id).toMatch(/^<dg-[0-9a-f]{24}@cohortwatch\.test>$/);
    expect(new Set(rows.map((r) => r.message_id)).size).toBe(rows.length);
    for (const mail of sink.received) expect(mail.headers.get('x-cohortwatch-look')).toBe(String(rows[0].run_id));
  });

  it('mails carry aggregates only: no patient id, no date but the study cutoff, small counts suppressed', () => {
    expect(sink.received.length).toBeGreaterThan(0);
    for (const mail of sink.received) {
      const body = `${mail.subject ?? ''}\n${mail.text ?? ''}\n${typeof mail.html === 'string' ? mail.html : ''}`;
      expect(body).not.toMatch(/P\d{7}/);
      for (const date of body.match(/\d{4}-\d{2}-\d{2}/g) ?? []) expect(date).toBe(CUTOFF);
      expect(mail.text).toContain('PORT');
      // The forest plot as a table: mail clients strip inline SVG.
      expect(mail.html).not.toContain('<svg');
      expect(mail.html).toContain('<table');
    }
  });

  it('a look with nothing new sends nothing; an unacknowledged signal is re-sent once at the first look past SIGNAL_REMINDER_DAYS', async () => {
    const before = await t.db.selectFrom('mail_outbox').select('id').execute();
    const quiet = await reanalyze(deps(), '2018-03-31');
    expect(quiet).toMatchObject({ created: true, look: 2, outboxIds: [] });
    expect(await t.db.selectFrom('mail_outbox').select('id').execute()).toHaveLength(before.length);

    const later = new Date(Date.now() + 30 * 86_400_000);
    const reminder = await reanalyze(deps({ now: () => later, reminderDays: 14 }), '2018-06-30');
    const rows = await t.db.selectFrom('mail_outbox').selectAll().where('run_id', '=', reminder.runId).execute();
    expect(rows.map((r) => r.recipient).sort()).toEqual(['alice@example.org', 'bob@example.org', 'carol@example.org']);
    for (const r of rows) {
      expect(r.subject).toMatch(/^\[CohortWatch\] Look 3 \(data cutoff 2018-06-30\): \d+ reminders?$/);
      expect(r.text_body).toContain('OPEN SIGNALS AWAITING ACKNOWLEDGEMENT');
      expect(r.text_body).toContain('REMINDER');
    }
    const reminded = await t.db.selectFrom('signal_events').select(['signal_id']).where('action', '=', 'reminded').where('run_id', '=', reminder.runId).execute();
    const open = await t.db.selectFrom('signals').select('id').where('state', '=', 'open').execute();
    expect(reminded.map((r) => r.signal_id).sort()).toEqual(open.map((o) => o.id).sort());
    const received = sink.received.length;
    for (const r of rows) await deliverOutboxMail(t.db, smtpTransport(sink.url), FROM, r.id);
    await sink.waitFor(received + rows.length);
    // The audit table is append-only.
    await expect(t.db.updateTable('signal_events').set({ comment: 'x' }).execute()).rejects.toThrow(/append-only/);
    await expect(t.db.deleteFrom('signal_events').execute()).rejects.toThrow(/append-only/);
  }, 90_000);

  it('signals list/show/ack/close/reopen from the CLI, with the audit trail; missing flags and impossible transitions exit 2 in one line', async () => {
    const env = { ...process.env, DATABASE_URL: t.url, LOG_LEVEL: 'silent' };
    const cli = async (...args: string[]) => {
      try {
        const { stdout, stderr } = await run(process.execPath, [BIN, 'signals', ...args], { env, timeout: 60_000 });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const e = error as { code?: number; stdout?: string; stderr?: string };
        return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
      }
    };
    const list = await cli('list', '--json', '--state', 'open');
    expect(list.code).toBe(0);
    const open = JSON.parse(list.stdout) as { id: number; population: string; rule: string; state: string; openedAtCutoff: string; lastCutoff: string; evidence: { hr: number }; history: { by: string; action: string }[] }[];
    const boundary = open.find((s) => s.population === 'group1' && s.rule === 'boundary');
    expect(boundary).toMatchObject({ state: 'open', openedAtCutoff: CUTOFF });
    expect(boundary?.history[0]).toMatchObject({ by: 'cohortwatch', action: 'opened' });
    const id = String(boundary?.id);

    expect((await cli('ack', id, '--by', 'Alice@Example.org', '--comment', 'reviewing with the statistician')).code).toBe(0);
    const again = await cli('ack', id, '--by', 'bob@example.org', '--comment', 'me too');
    expect(again.code).toBe(2);
    expect(again.stderr.trim().split('\n')).toEqual([`cohortwatch: signal ${id} is acknowledged: cannot acknowledge it (allowed from open)`]);
    const missing = await cli('close', id, '--by', 'alice@example.org');
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toEqual(["error: required option '--decision <text>' not specified (see --help)"]);
    expect((await cli('close', id, '--by', 'alice@example.org', '--decision', 'no change to practice until the final analysis')).code).toBe(0);

    const shown = await cli('show', id, '--json');
    const view = JSON.parse(shown.stdout) as { state: string; history: { at: string; by: string; action: string; comment: string }[] };
    expect(view.state).toBe('closed');
    expect(view.history.map((h) => [h.by, h.action]).slice(-2)).toEqual([['alice@example.org', 'acknowledged'], ['alice@example.org', 'closed']]);
    expect(view.history.at(-1)?.comment).toBe('no change to practice until the final analysis');
    const events = await t.db.selectFrom('signal_events').select(['by', 'action', 'comment']).where('signal_id', '=', Number(id)).orderBy('id').execute();
    expect(events.map((e) => e.action)).toEqual(view.history.map((h) => h.action));
  }, 180_000);
});
