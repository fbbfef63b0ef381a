import { InvalidArgumentError } from 'commander';
import type { Kysely } from 'kysely';
import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import type { Env } from '../config/env.ts';
import type { Database } from '../db/database.ts';
import { createReanalysisQueue, enqueueReanalysis, REANALYSIS_QUEUE } from '../jobs/analysisQueues.ts';
import { reanalysisDeps } from '../jobs/analysisService.ts';
import { checkLookCutoff, checkSchedule, CutoffError, latestScheduledCutoff } from '../analysis/lookSchedule.ts';
import { reanalyze } from '../jobs/reanalysis.ts';
import type { ReanalysisOutcome } from '../jobs/reanalysis.ts';
import { CURRENT_PLAN } from '../analysis/plan.ts';
import { lookHistoryRuns } from '../jobs/previousLooks.ts';
import { deliverOutboxMail } from '../notify/deliverOutbox.ts';
import { smtpTransport } from '../notify/transport.ts';
import { createQueueEvents, queueConfig } from '../workers/queue.ts';
import { requireServices, withDatabase } from './pipeline/resources.ts';
import { cutoffDateArgument } from './cutoffDateArgument.ts';

interface ReanalyzeFlags {
  asOf?: string;
  wait?: boolean;
  inline?: boolean;
  retry?: boolean;
  unscheduled?: boolean;
  timeout: number;
}

/** A refusal the user can act on: one line on stderr, exit 2 (bad request) or 1 (it failed). */
class ReanalyzeRefusal extends Error {
  constructor(message: string, readonly exitCode: 1 | 2) {
    super(message);
  }
}

const secondsArg = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 86_400) throw new InvalidArgumentError('must be a whole number of seconds from 1 to 86400');
  return n;
};

interface MailCounts {
  sent: number;
  pending: number;
  failed: number;
  cancelled: number;
  /** The last SMTP error of an undelivered mail, to say why on stderr. */
  lastError: string | null;
}

async function mailStatus(db: Kysely<Database>, outcome: ReanalysisOutcome): Promise<MailCounts> {
  // The look's mail: its digests (one per investigator, keyed by run).
  const rows = await db.selectFrom('mail_outbox').select(['status', 'last_error']).where('run_id', '=', outcome.runId).execute();
  const count = (state: string) => rows.filter((r) => r.status === state).length;
  const lastError = rows.find((r) => (r.status === 'pending' || r.status === 'failed') && r.last_error !== null)?.last_error ?? null;
  return { sent: count('sent'), pending: count('pending'), failed: count('failed'), cancelled: count('cancelled'), lastError };
}

function summary(outcome: ReanalysisOutcome, mails: MailCounts) {
  return {
    runId: outcome.runId, cutoff: outcome.cutoff, look: outcome.look, created: outcome.created, patients: outcome.patients,
    datasetHash: outcome.datasetHash,
    alerts: outcome.alerts.map(({ rule, population, endpoint, status, summary: text }) => ({ rule, population, endpoint, status, summary: text })),
    mails: { sent: mails.sent, pending: mails.pending, failed: mails.failed, cancelled: mails.cancelled },
  };
}

/** Prints the summary; undelivered mail is a failure of the command, said in one line on stderr. */
function report(outcome: ReanalysisOutcome, mails: MailCounts, waitedS: number | null): void {
  console.log(JSON.stringify(summary(outcome, mails)));
  const undelivered = mails.pending + mails.failed;
  if (undelivered > 0) {
    const waited = waitedS === null ? '' : ` after ${waitedS} s`;
    console.error(`cohortwatch: ${undelivered} alert mail(s) of the look at ${outcome.cutoff} not delivered${waited} (${mails.lastError ?? 'no delivery attempt yet'}); the scheduler keeps retrying, see cohortwatch mail list`);
    process.exitCode = 1;
  }
}

/** Refuses a cutoff earlier than this database's latest live look before anything is enqueued. */
async function checkOrder(db: Kysely<Database>, cutoff: string): Promise<void> {
  // Whatever plan version judged it (amendments change the version, not the look sequence).
  const latest = await lookHistoryRuns(db).select(['analysis_runs.cutoff', 'analysis_runs.plan_version']).orderBy('analysis_runs.cutoff', 'desc').executeTakeFirst();
  if (latest && latest.cutoff > cutoff) {
    throw new ReanalyzeRefusal(`cutoff ${cutoff} precedes the latest analysed cutoff ${latest.cutoff} (plan ${latest.plan_version}); looks are taken in calendar order (void that look first: cohortwatch looks void ${latest.cutoff})`, 2);
  }
}

async function runInline(env: Env, cutoff: string, flags: ReanalyzeFlags): Promise<void> {
  await withDatabase(env, async (db) => {
    let outcome: ReanalysisOutcome;
    try {
      outcome = await reanalyze(reanalysisDeps(env, db), cutoff, { unscheduled: flags.unscheduled ?? false });
    } catch (error) {
      if (error instanceof CutoffError) throw new ReanalyzeRefusal(error.message, 2);
      throw error;
    }
    const transport = smtpTransport(env.SMTP_URL);
    try {
      // One attempt each: what fails is left 'failed' with its next retry, for the scheduler's sweep.
      for (const id of outcome.outboxIds) {
        await deliverOutboxMail(db, transport, env.ALERT_FROM, id, { finalAttempt: true, retry: { baseMs: env.ALERT_RETRY_BASE_MS, maxMs: env.ALERT_RETRY_MAX_MS } })
          .catch(() => undefined);
      }
    } finally {
      transport.close();
    }
    report(outcome, await mailStatus(db, outcome), null);
  });
}

async function runQueued(env: Env, cutoff: string, flags: ReanalyzeFlags): Promise<void> {
  await requireServices(env, { postgres: true, redis: true });
  const config = queueConfig(env);
  const queue = createReanalysisQueue(config);
  // On the queue's own transport (REDIS_URL, or the cluster of REDIS_CLUSTER_NODES); it listens for
  // 'error' itself (unheard, each reconnect attempt of a lost Redis would print a stack trace).
  const events = flags.wait ? createQueueEvents(config, REANALYSIS_QUEUE) : null;
  try {
    await withDatabase(env, async (db) => {
      await checkOrder(db, cutoff);
      const job = await enqueueReanalysis(queue, db, cutoff, CURRENT_PLAN.version, { unscheduled: flags.unscheduled ?? false, retry: flags.retry ?? false });
      const state = await job.getState();
      if (state === 'failed') {
        throw new ReanalyzeRefusal(`the look at ${cutoff} failed (${(job.failedReason ?? 'unknown error').split('\n')[0]}); rerun with --retry`, 1);
      }
      if (!events) {
        console.log(`enqueued reanalysis of ${cutoff} (job ${job.id ?? '?'}); run \`cohortwatch scheduler\` to process it`);
        return;
      }
      await events.waitUntilReady();
      const answer = await job.waitUntilFinished(events, flags.timeout * 1000).catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (/timed? ?out/i.test(message)) throw new ReanalyzeRefusal(`reanalysis of ${cutoff} not finished after ${flags.timeout} s (is \`cohortwatch scheduler\` running?)`, 1);
        throw new ReanalyzeRefusal(`reanalysis of ${cutoff} failed: ${message.split('\n')[0]}`, 1);
      }) as ReanalysisOutcome;
      // A job that had already finished answers for its run; nothing was recomputed for this request.
      const outcome = state === 'completed' ? { ...answer, created: false } : answer;
      // The job's answer stands only for a run of this database.
      const run = await db.selectFrom('analysis_runs').select('id').where('id', '=', outcome.runId).where('cutoff', '=', cutoff)
        .where('status', '=', 'completed').where('voided_at', 'is', null).executeTakeFirst();
      if (!run) throw new ReanalyzeRefusal(`the workers answered with run ${outcome.runId}, which is not this database's look at ${cutoff}: do the scheduler and this command share DATABASE_URL?`, 1);
      const started = Date.now();
      const deadline = started + flags.timeout * 1000;
      let mails = await mailStatus(db, outcome);
      // Mail the queue gave up on for now ('failed') waits for the scheduler's next round: no use waiting here.
      while (mails.pending > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        mails = await mailStatus(db, outcome);
      }
      report(outcome, mails, Math.round((Date.now() - started) / 1000));
    });
  } finally {
    await Promise.allSettled([queue.close(), events?.close()]);
  }
}

/**
 * `cohortwatch reanalyze [--as-of DATE] [--wait] [--retry] [--unscheduled]`: enqueues the look at a cutoff
 * (default: the schedule's latest, the end of the last complete quarter by default) for the workers of
 * `cohortwatch scheduler`; --wait returns when the run and its alert mails are done, printing the run's
 * summary (undelivered mail: exit 1 with the reason on stderr); --inline runs it in this process.
 * A cutoff in the future, off the schedule (without --unscheduled) or before the latest look exits 2.
 */
export const registerReanalyze: RegisterCommand = (program) => {
  program.command('reanalyze')
    .description('reanalyse the cohort as of a cutoff (default: end of the last complete quarter) and send its alerts')
    .option('--as-of <date>', 'cutoff YYYY-MM-DD (end of that day, UTC); must be a past day on the look schedule', cutoffDateArgument)
    .option('--wait', 'wait until the run and its alert mails are done; print the run summary as JSON')
    .option('--inline', 'run in this process instead of the scheduler\'s workers (implies --wait)')
    .option('--timeout <seconds>', 'how long --wait waits', secondsArg, 600)
    .option('--retry', 'run again a look whose job failed')
    .option('--unscheduled', 'an extra look at a cutoff off the schedule (REANALYSIS_CRON); it spends alpha the plan did not foresee')
    .action(async (flags: ReanalyzeFlags) => {
      const env = loadEnv();
      const schedule = { cron: env.REANALYSIS_CRON, tz: env.REANALYSIS_TZ };
      try {
        checkSchedule(schedule);
        const cutoff = checkLookCutoff(flags.asOf ?? latestScheduledCutoff(new Date(), schedule), { now: new Date(), schedule, unscheduled: flags.unscheduled ?? false });
        if (flags.inline) await runInline(env, cutoff, flags);
        else await runQueued(env, cutoff, flags);
      } catch (error) {
        if (error instanceof CutoffError || error instanceof ReanalyzeRefusal) {
          console.error(`cohortwatch: ${error.message}`);
          process.exitCode = error instanceof ReanalyzeRefusal ? error.exitCode : 2;
          return;
        }
        throw error;
      }
    });
};
