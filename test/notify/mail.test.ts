import { spawn } from 'node:child_process';
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
import { pendingOutboxIds } from '../../src/notify/deliverOutbox.ts';
import { smtpTransport } from '../../src/notify/transport.ts';
import type { QueueConfig } from '../../src/workers/queue.ts';
import { dayOf, syntheticCohort } from '../analysis/syntheticCohort.ts';

const FROM = 'CohortWatch <alerts@cohortwatch.test>';
const CUTOFF = '2017-12-31';

describe('alert mail through the outbox to a real SMTP server', () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  let q: TestQueuePrefix;
  let config: QueueConfig;
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    t = await createTestDatabase('mail');
    sink = await startSmtpSink();
    q = testQueuePrefix('analysis-mail');
    config = { redisUrl: q.redisUrl, prefix: q.prefix, attempts: 5, backoffMs: 200 };
    await addInvestigator(t.db, 'alice@example.org', 'Alice', parseSubscriptions(undefined));
    await addInvestigator(t.db, 'bob@example.org', 'Bob', parseSubscriptions('group1:pfs,group2:*'));
    await addInvestigator(t.db, 'carol@example.org', 'Carol', parseSubscriptions('group3:os'));
    // A strong group 1 effect in a small registry: boundary crossing at the first look, small cells elsewhere.
    const cohort = syntheticCohort({ patients: 1200, seed: 5, portLogHr: { group1: Math.log(0.35) } });
    const outcome = await reanalyze({
      db: t.db, plan: DEFAULT_PLAN, smallCellMin: 11, alertFrom: FROM,
      loadDataset: (_db, cutoff) => Promise.resolve(cohort.rowsAt(dayOf(cutoff))),
      runPlan: (rows) => Promise.resolve(runPlan(DEFAULT_PLAN, rows)),
    }, CUTOFF);
    expect(outcome.alerts.some((a) => a.rule === 'boundary' && a.population === 'group1' && a.status === 'fired')).toBe(true);
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await sink.close();
    await q.cleanup();
    await t.drop();
  });

  it('a worker killed mid-delivery loses no alert, and the resend carries the same Message-ID', async () => {
    const outbox = await t.db.selectFrom('mail_outbox').selectAll().orderBy('id').execute();
    expect(outbox.length).toBeGreaterThan(0);
    // Alice gets every fired alert, Bob group 1 PFS and group 2; Carol (group 3 OS) only the statement
    // that monitoring of group 3 OS has started (a state change), no effect alert.
    expect(new Set(outbox.map((o) => o.recipient))).toContain('alice@example.org');
    const carols = await t.db.selectFrom('mail_outbox').innerJoin('alerts', 'alerts.id', 'mail_outbox.alert_id')
      .select(['alerts.rule', 'alerts.population', 'alerts.endpoint']).where('recipient', '=', 'carol@example.org').execute();
    expect(carols.every((a) => a.rule === 'state' && a.population === 'group3' && a.endpoint === 'os')).toBe(true);

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

  it('each Message-ID is derived from its alert id', async () => {
    const rows = await t.db.selectFrom('mail_outbox').select(['alert_id', 'message_id']).execute();
    for (const row of rows) expect(row.message_id).toBe(`<${row.alert_id}@cohortwatch.test>`);
    for (const mail of sink.received) expect(mail.headers.get('x-cohortwatch-alert')).toMatch(/^al-[0-9a-f]{24}$/);
  });

  it('mails carry aggregates only: no patient id, no date but the study cutoff, small counts suppressed', () => {
    expect(sink.received.length).toBeGreaterThan(0);
    for (const mail of sink.received) {
      const body = `${mail.subject ?? ''}\n${mail.text ?? ''}\n${typeof mail.html === 'string' ? mail.html : ''}`;
      expect(body).not.toMatch(/P\d{7}/);
      for (const date of body.match(/\d{4}-\d{2}-\d{2}/g) ?? []) expect(date).toBe(CUTOFF);
      expect(mail.text).toContain('PORT');
      expect(mail.html).toContain('<svg');
    }
  });
});
