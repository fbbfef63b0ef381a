// Issue 9, item 4: the scheduler is visible to operators. `cohortwatch scheduler` serves /healthz
// (503 once the last look failed) and /metrics (looks, last look duration, the mail outbox and the age
// of its oldest pending mail, jobs by outcome), and logs a line per job of its workers.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReanalysisQueue } from '../../src/jobs/analysisQueues.ts';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { testQueuePrefix } from '../helpers/redis.ts';
import { eventually, getJson, startService } from './support/cli.ts';
import type { Service } from './support/cli.ts';

const q = testQueuePrefix('sched-ops');
let t: TestDatabase;
let scheduler: Service;
let base: string;

/** A stored look and two alert mails: one sent, one pending for two hours whose last attempt failed. */
async function seed(db: TestDatabase['db']): Promise<void> {
  const run = await db.insertInto('analysis_runs').values({
    cutoff: '2012-12-31', plan_version: 'v-test', code_version: 'test', status: 'completed', look: 1, plan: '{}',
    timings: JSON.stringify({ totalMs: 1234 }), started_at: new Date(Date.now() - 60_000), finished_at: new Date(Date.now() - 58_000),
  }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('alerts').values({ id: 'al-test', run_id: run.id, population: 'group1', endpoint: 'os', rule: 'drift', status: 'fired', summary: 's', evidence: '{}' }).execute();
  const mail = { alert_id: 'al-test', subject: 's', text_body: 't', html_body: 'h' };
  await db.insertInto('mail_outbox').values([
    { ...mail, recipient: 'a@example.org', message_id: '<1@cohortwatch.test>', status: 'sent', sent_at: new Date() },
    { ...mail, recipient: 'b@example.org', message_id: '<2@cohortwatch.test>', status: 'pending', last_error: 'connect ECONNREFUSED', created_at: new Date(Date.now() - 7200_000) },
  ]).execute();
}

beforeAll(async () => {
  t = await createTestDatabase('sched_ops');
  await seed(t.db);
  scheduler = startService(['scheduler'], {
    DATABASE_URL: t.url, REDIS_URL: q.redisUrl, QUEUE_PREFIX: q.prefix, SCHEDULER_METRICS_PORT: '0',
    // SMTP down: the pending mail keeps failing, and each attempt is a logged job.
    SMTP_URL: 'smtp://127.0.0.1:1', JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '50', SHUTDOWN_TIMEOUT_MS: '2000',
  });
  const running = await scheduler.waitForLog((line) => line.msg === 'reanalysis and alert-mail workers running', 60_000);
  base = `http://127.0.0.1:${String(running.opsPort)}`;
});

afterAll(async () => {
  if (scheduler.child.exitCode === null) scheduler.child.kill('SIGKILL');
  await q.cleanup();
  await t.drop();
});

describe('cohortwatch scheduler for operators', () => {
  it('/metrics: looks, last look duration, mail outbox, age of the oldest pending mail', async () => {
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^cohortwatch_looks\{status="completed"\} 1$/m);
    expect(metrics).toMatch(/^cohortwatch_looks\{status="failed"\} 0$/m);
    expect(metrics).toMatch(/^cohortwatch_look_last_duration_seconds 1\.234$/m);
    // Pending, or failed already if the scheduler's first attempts ran out: undelivered either way.
    const count = (status: string) => Number(new RegExp(`^cohortwatch_mail_outbox\\{status="${status}"\\} (\\d+)$`, 'm').exec(metrics)?.[1]);
    expect(count('pending') + count('failed')).toBe(1);
    expect(count('sent')).toBe(1);
    expect(count('cancelled')).toBe(0);
    expect(metrics).toMatch(/^cohortwatch_mail_failing 1$/m);
    const age = Number(/^cohortwatch_mail_oldest_pending_age_seconds (\S+)$/m.exec(metrics)?.[1]);
    expect(age).toBeGreaterThanOrEqual(7200);
    expect(age).toBeLessThan(7200 + 600);
    expect(metrics).toMatch(/^cohortwatch_scheduler_process_cpu_seconds_total /m);
  });

  it('logs each mail attempt and counts it on /metrics', async () => {
    const line = await scheduler.waitForLog((l) => l.queue === 'alert-mail' && l.outcome === 'failed');
    expect(line).toMatchObject({ jobId: expect.stringMatching(/^mail-/) as unknown, attempt: 2, attempts: 2 });
    expect(String(line.err)).toMatch(/ECONNREFUSED/);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^cohortwatch_jobs_total\{queue="alert-mail",outcome="failed"\} 1$/m);
    expect(metrics).toMatch(/^cohortwatch_jobs_total\{queue="alert-mail",outcome="retrying"\} 1$/m);
  });

  it('/healthz: 200 while the last look stands, 503 once a look fails', async () => {
    expect(await getJson(`${base}/healthz`)).toEqual({ status: 200, body: { status: 'ok', database: 'ok', redis: 'ok', lastLook: 'ok' } });
    const queue = createReanalysisQueue({ redisUrl: q.redisUrl, prefix: q.prefix, attempts: 1, backoffMs: 10 });
    try {
      // A look whose job cannot run (no cutoff): it fails for good.
      await queue.add('reanalyze', {}, { jobId: 'broken-look', attempts: 1 });
    } finally {
      await queue.close();
    }
    await scheduler.waitForLog((l) => l.jobId === 'broken-look' && l.outcome === 'failed');
    const unhealthy = await eventually(async () => {
      const answer = await getJson(`${base}/healthz`);
      return answer.status === 503 ? answer : undefined;
    }, 'a 503 after the failed look');
    expect(unhealthy.body).toMatchObject({ status: 'unavailable', database: 'ok', redis: 'ok', lastLook: 'failed (cutoff ?: reanalyze job without a cutoff)' });
    expect((await (await fetch(`${base}/metrics`)).text())).toMatch(/^cohortwatch_look_jobs_failed 1$/m);
  });

  it('SIGTERM: exits 0 within SHUTDOWN_TIMEOUT_MS plus a second', async () => {
    const exit = await scheduler.signal('SIGTERM');
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(2000 + 1000);
    expect(scheduler.stderr()).toBe('');
    const rows = await sql<{ n: number }>`select count(*)::int as n from analysis_runs`.execute(t.db);
    expect(rows.rows[0].n).toBe(1);
  });
});
