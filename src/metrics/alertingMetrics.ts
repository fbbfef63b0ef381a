// What an operator needs to see of the alerting path, read from the database (so every scheduler
// process, restarted or not, reports the same): the looks taken and failed, the last look's duration,
// and the mail outbox (pending, sent, failing, age of the oldest pending mail).
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { MAIL_STATES } from '../db/analysisTables.ts';
import type { Database } from '../db/database.ts';

export interface FailedLookSource {
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

export interface AlertingState {
  /** analysis_runs by status (completed, failed, running, or any status the table records); voided looks as `voided`. */
  runs: Record<string, number>;
  /** Reanalysis jobs that failed their last attempt and are still kept in the queue. */
  failedJobs: number;
  lastLook: { cutoff: string; status: string; finishedAt: Date | null; durationSeconds: number | null } | null;
  /** mail_outbox by status. */
  mail: Record<string, number>;
  /** Undelivered mails (pending or failed) whose last attempt failed. */
  mailFailing: number;
  /** Age of the oldest undelivered mail (pending or failed). */
  oldestPendingSeconds: number | null;
}

export async function readAlertingState(db: Kysely<Database>, reanalysis: FailedLookSource, now = new Date()): Promise<AlertingState> {
  const [runs, last, mail, pending, jobs] = await Promise.all([
    db.selectFrom('analysis_runs').select([sql<string>`case when voided_at is null then status else 'voided' end`.as('status'), (eb) => eb.fn.countAll<number>().as('n')]).groupBy(sql`1`).execute(),
    db.selectFrom('analysis_runs').select(['cutoff', 'status', 'started_at', 'finished_at', sql<number | null>`(timings->>'totalMs')::float8`.as('total_ms')])
      .where('voided_at', 'is', null).orderBy('id', 'desc').limit(1).executeTakeFirst(),
    db.selectFrom('mail_outbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute(),
    // Undelivered: pending, or failed and waiting for the sweep's next retry.
    db.selectFrom('mail_outbox').where('status', 'in', ['pending', 'failed'])
      .select([sql<Date | null>`min(created_at)`.as('oldest'), sql<number>`count(*) filter (where last_error is not null)::int`.as('failing')])
      .executeTakeFirstOrThrow(),
    reanalysis.getJobCounts('failed'),
  ]);
  const durationMs = last ? last.total_ms ?? (last.finished_at ? last.finished_at.getTime() - last.started_at.getTime() : null) : null;
  return {
    runs: Object.fromEntries(runs.map((r) => [r.status, r.n])),
    failedJobs: jobs.failed ?? 0,
    lastLook: last ? { cutoff: last.cutoff, status: last.status, finishedAt: last.finished_at, durationSeconds: durationMs === null ? null : durationMs / 1000 } : null,
    mail: Object.fromEntries(mail.map((r) => [r.status, r.n])),
    mailFailing: pending.failing,
    oldestPendingSeconds: pending.oldest === null ? null : Math.max(0, (now.getTime() - pending.oldest.getTime()) / 1000),
  };
}

/** Gauges filled from readAlertingState at every scrape. */
export function registerAlertingMetrics(registry: Registry, read: () => Promise<AlertingState>): void {
  // One read per scrape, shared by the gauges that collect during it.
  let current: Promise<AlertingState> | null = null;
  const state = () => {
    current ??= read().finally(() => { setTimeout(() => { current = null; }, 0); });
    return current;
  };
  new Gauge({
    name: 'cohortwatch_looks', help: 'Reanalysis runs (looks) stored, by status', labelNames: ['status'], registers: [registry],
    async collect() {
      const s = await state();
      this.reset();
      for (const status of new Set(['completed', 'failed', ...Object.keys(s.runs)])) this.set({ status }, s.runs[status] ?? 0);
    },
  });
  new Gauge({
    name: 'cohortwatch_look_jobs_failed', help: 'Reanalysis jobs that failed their last attempt (kept 30 days in the queue)', registers: [registry],
    async collect() { this.set((await state()).failedJobs); },
  });
  new Gauge({
    name: 'cohortwatch_look_last_duration_seconds', help: 'Duration of the latest look (NaN before the first)', registers: [registry],
    async collect() { this.set((await state()).lastLook?.durationSeconds ?? Number.NaN); },
  });
  new Gauge({
    name: 'cohortwatch_look_last_finished_timestamp_seconds', help: 'When the latest look finished, Unix time (NaN before the first)', registers: [registry],
    async collect() {
      const finished = (await state()).lastLook?.finishedAt;
      this.set(finished ? finished.getTime() / 1000 : Number.NaN);
    },
  });
  new Gauge({
    name: 'cohortwatch_mail_outbox', help: 'Alert mails in the outbox, by status', labelNames: ['status'], registers: [registry],
    async collect() {
      const s = await state();
      this.reset();
      for (const status of new Set([...MAIL_STATES, ...Object.keys(s.mail)])) this.set({ status }, s.mail[status] ?? 0);
    },
  });
  new Gauge({
    name: 'cohortwatch_mail_failing', help: 'Undelivered alert mails (pending or failed) whose last delivery attempt failed', registers: [registry],
    async collect() { this.set((await state()).mailFailing); },
  });
  new Gauge({
    name: 'cohortwatch_mail_oldest_pending_age_seconds', help: 'Age of the oldest undelivered alert mail, pending or failed (0 when none)', registers: [registry],
    async collect() { this.set((await state()).oldestPendingSeconds ?? 0); },
  });
}
