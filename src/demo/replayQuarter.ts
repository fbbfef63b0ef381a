// One quarter of the replay: deliver what the registry reported until the scheduler fires, through
// the real follow-up queue and worker; then fire the scheduler's reanalysis of the quarter's cutoff
// through the real reanalysis queue and worker, and wait until its alert mails have left the outbox.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logging/logger.ts';
import { enqueueReanalysis } from '../jobs/analysisQueues.ts';
import type { ReanalysisJobData } from '../jobs/analysisQueues.ts';
import { enqueueEvents } from '../workers/enqueueEvents.ts';
import { waitForJobs } from '../workers/waitForJobs.ts';
import type { BullQueue, FollowUpQueue } from '../workers/queue.ts';
import type { EventFeed } from './eventFeed.ts';
import type { QuarterTick } from './quarterTicks.ts';
import type { SimulatedClock } from './simulatedClock.ts';

export interface ReplayDeps {
  readonly db: Kysely<Database>;
  readonly followUp: FollowUpQueue;
  readonly reanalysis: BullQueue<ReanalysisJobData>;
  readonly planVersion: string;
  readonly clock: SimulatedClock;
  readonly feed: EventFeed;
  /** How long to wait for the look's reanalysis and for its mails before giving up. */
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Runs after the quarter's events are applied and before its reanalysis (the previous look's report finishes here). */
  readonly beforeReanalysis?: () => Promise<void>;
  /** Reports delivery progress within the quarter (events applied so far of those enqueued). */
  readonly onEvents?: (done: number, total: number) => void;
}

export interface LookAlert {
  readonly population: string;
  readonly endpoint: string;
  readonly rule: string;
  readonly status: string;
  readonly summary: string;
}

export interface QuarterOutcome {
  readonly tick: QuarterTick;
  readonly runId: number;
  readonly look: number;
  /** Patients in the analysis dataset as of the cutoff. */
  readonly patients: number;
  /** Events delivered during this quarter (duplicate deliveries included). */
  readonly eventsDelivered: number;
  readonly alerts: readonly LookAlert[];
  /** Alert mails of this look handed to the SMTP server. */
  readonly mailsSent: number;
}

export class ReplayError extends Error {
  override name = 'ReplayError';
}

// BullMQ's addBulk writes a batch in one round trip; larger batches only delay the first applied event.
const ENQUEUE_BATCH = 1000;
const POLL_MS = 100;
// The wait for a quarter's events grows with their number: the first look of a 2,000-patient registry
// applies ~9,000 events at once, which on a loaded machine outlasts a fixed phase timeout without
// anything being stuck. 50 ms per event is a floor of 20 events/s (an idle machine applies ~400/s).
const WAIT_MS_PER_EVENT = 50;

async function deliverQuarter(deps: ReplayDeps, until: Date): Promise<number> {
  const ids: string[] = [];
  for (let batch = deps.feed.takeBefore(until, ENQUEUE_BATCH); batch.length > 0; batch = deps.feed.takeBefore(until, ENQUEUE_BATCH)) {
    ids.push(...await enqueueEvents(deps.followUp, batch.map((event) => ({ eventId: event.eventId, name: event.type, data: event }))));
  }
  const timeoutMs = deps.timeoutMs + ids.length * WAIT_MS_PER_EVENT;
  await waitForJobs(deps.followUp, ids, { pollMs: POLL_MS, timeoutMs, ...(deps.onEvents ? { onProgress: deps.onEvents } : {}) });
  return ids.length;
}

async function waitForJob(queue: BullQueue<ReanalysisJobData>, jobId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await queue.getJobState(jobId);
    if (state === 'completed') return;
    if (state === 'failed') {
      const job = await queue.getJob(jobId);
      throw new ReplayError(`reanalysis job ${jobId} failed: ${job?.failedReason ?? 'unknown reason'}`);
    }
    if (Date.now() > deadline) throw new ReplayError(`reanalysis job ${jobId} still ${state} after ${Math.round(timeoutMs / 1000)} s`);
    await sleep(POLL_MS);
  }
}

async function waitForMails(db: Kysely<Database>, runId: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await db.selectFrom('mail_outbox')
      .select(['mail_outbox.status', 'mail_outbox.last_error']).where('mail_outbox.run_id', '=', runId).execute();
    const pending = rows.filter((row) => row.status === 'pending' || row.status === 'failed');
    if (pending.length === 0) return rows.length;
    if (Date.now() > deadline) {
      const reason = pending.find((row) => row.last_error !== null)?.last_error ?? 'no delivery attempt yet';
      throw new ReplayError(`${pending.length} alert mail(s) of run ${runId} not delivered after ${Math.round(timeoutMs / 1000)} s (${reason})`);
    }
    await sleep(POLL_MS);
  }
}

/**
 * Replays one quarter. The simulated clock moves to the tick only after the quarter's events are
 * applied, so the worker stamps them as received within the quarter; the reanalysis is enqueued
 * exactly as the scheduler's tick enqueues it (same job id per cutoff and plan), then processed by
 * the reanalysis worker like any scheduled run.
 */
export async function replayQuarter(deps: ReplayDeps, tick: QuarterTick): Promise<QuarterOutcome> {
  const t0 = performance.now();
  const eventsDelivered = await deliverQuarter(deps, tick.at);
  await deps.beforeReanalysis?.();
  const t1 = performance.now();
  deps.clock.advanceTo(tick.at);
  const job = await enqueueReanalysis(deps.reanalysis, deps.db, tick.cutoff, deps.planVersion);
  await waitForJob(deps.reanalysis, job.id ?? '', deps.timeoutMs);
  const t2 = performance.now();
  const run = await deps.db.selectFrom('analysis_runs').select(['id', 'look', 'patients', 'timings'])
    .where('cutoff', '=', tick.cutoff).where('plan_version', '=', deps.planVersion).where('status', '=', 'completed').where('voided_at', 'is', null).executeTakeFirst();
  if (!run) throw new ReplayError(`the reanalysis of ${tick.cutoff} completed but stored no run`);
  const alerts = await deps.db.selectFrom('alerts').select(['population', 'endpoint', 'rule', 'status', 'summary'])
    .where('run_id', '=', run.id).orderBy('population').orderBy('endpoint').orderBy('rule').execute();
  const mailsSent = await waitForMails(deps.db, run.id, deps.timeoutMs);
  deps.logger.info({
    cutoff: tick.cutoff, look: run.look, events: eventsDelivered, alerts: alerts.length, mails: mailsSent,
    eventsMs: Math.round(t1 - t0), reanalysisMs: Math.round(t2 - t1), mailMs: Math.round(performance.now() - t2), run: run.timings,
  }, 'quarter replayed');
  return { tick, runId: run.id, look: run.look, patients: run.patients ?? 0, eventsDelivered, alerts, mailsSent };
}
