// The periodic sweep of the alerting path (scheduler start, then every ALERT_SWEEP_MS): nothing that
// ran out of queue attempts is left behind. Mail goes back to the queue when its backoff is over, until
// it is delivered or an operator cancels it; a failed look is enqueued again on the same backoff; the
// operators hear once about each problem (OPS_EMAIL).
import type { Kysely } from 'kysely';
import type { Transporter } from 'nodemailer';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logging/logger.ts';
import type { BullQueue } from '../workers/queue.ts';
import { pendingOutboxIds, reviveDueMails } from '../notify/deliverOutbox.ts';
import { retryDelayMs } from '../notify/retryBackoff.ts';
import type { RetryPolicy } from '../notify/retryBackoff.ts';
import { enqueueMails, enqueueReanalysis } from './analysisQueues.ts';
import type { MailJobData, ReanalysisJobData } from './analysisQueues.ts';
import { failedLooks } from './looks.ts';
import { sendOpsNotices } from './opsNotices.ts';

export interface SweepDeps {
  readonly db: Kysely<Database>;
  readonly reanalysisQueue: BullQueue<ReanalysisJobData>;
  readonly mailQueue: BullQueue<MailJobData>;
  readonly transport: Transporter;
  readonly alertFrom: string;
  readonly retry: RetryPolicy;
  readonly opsEmail?: string;
  readonly logger?: Logger;
  readonly now?: Date;
}

export interface SweepReport {
  readonly mailsRevived: number[];
  readonly looksRetried: string[];
  readonly opsNotices: number;
}

export async function sweepAlertingPath(deps: SweepDeps): Promise<SweepReport> {
  const { db, logger } = deps;
  const now = deps.now ?? new Date();
  const mailsRevived = await reviveDueMails(db, now);
  if (mailsRevived.length > 0) logger?.info({ outboxIds: mailsRevived }, 'alert mail back in the queue after its retries ran out');
  // Every pending row gets a job (a no-op while its job exists): covers a crash, a lost Redis, a revival.
  await enqueueMails(deps.mailQueue, db, await pendingOutboxIds(db));

  const looksRetried: string[] = [];
  // Looks under every plan version: an amendment changes the version, not the calendar of looks.
  const latest = await db.selectFrom('analysis_runs').select('cutoff')
    .where('status', '=', 'completed').where('voided_at', 'is', null).orderBy('cutoff', 'desc').executeTakeFirst();
  for (const look of await failedLooks(db)) {
    // A cutoff overtaken by a later look can never be taken (looks go in calendar order): leave it to the operator.
    if (latest && latest.cutoff > look.cutoff) continue;
    if (look.lastFailedAt.getTime() + retryDelayMs(look.failures - 1, deps.retry) > now.getTime()) continue;
    // The cutoff was accepted when it was first asked for (on the schedule, or explicitly off it).
    await enqueueReanalysis(deps.reanalysisQueue, db, look.cutoff, look.planVersion, { retry: true, unscheduled: true });
    looksRetried.push(look.cutoff);
  }
  if (looksRetried.length > 0) logger?.warn({ cutoffs: looksRetried }, 'failed looks enqueued again');

  let opsNotices = 0;
  if (deps.opsEmail) {
    try {
      opsNotices = await sendOpsNotices(db, deps.transport, { from: deps.alertFrom, to: deps.opsEmail, now });
      if (opsNotices > 0) logger?.warn({ to: deps.opsEmail, problems: opsNotices }, 'operator notice sent');
    } catch (error) {
      logger?.warn({ err: error }, 'operator notice not sent; next sweep tries again');
    }
  }
  return { mailsRevived, looksRetried, opsNotices };
}
