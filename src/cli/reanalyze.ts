import { InvalidArgumentError } from 'commander';
import { QueueEvents } from 'bullmq';
import type { Kysely } from 'kysely';
import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import type { Database } from '../db/database.ts';
import { createReanalysisQueue, enqueueReanalysis, REANALYSIS_QUEUE } from '../jobs/analysisQueues.ts';
import { reanalysisDeps } from '../jobs/analysisService.ts';
import { CutoffError, parseCutoffDate, quarterCutoff } from '../jobs/cutoff.ts';
import { reanalyze } from '../jobs/reanalysis.ts';
import type { ReanalysisOutcome } from '../jobs/reanalysis.ts';
import { CURRENT_PLAN } from '../analysis/plan.ts';
import { deliverOutboxMail } from '../notify/deliverOutbox.ts';
import { smtpTransport } from '../notify/transport.ts';
import { queueConfig } from '../workers/queue.ts';
import { requireServices, withDatabase } from './pipeline/resources.ts';

interface ReanalyzeFlags {
  asOf?: string;
  wait?: boolean;
  inline?: boolean;
  timeout: number;
}

const cutoffArg = (value: string) => {
  try {
    return parseCutoffDate(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
};

const secondsArg = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 86_400) throw new InvalidArgumentError('must be a whole number of seconds from 1 to 86400');
  return n;
};

async function mailStatus(db: Kysely<Database>, outcome: ReanalysisOutcome): Promise<{ sent: number; pending: number }> {
  const ids = outcome.alerts.map((a) => a.id);
  if (ids.length === 0) return { sent: 0, pending: 0 };
  const rows = await db.selectFrom('mail_outbox').select('status').where('alert_id', 'in', ids).execute();
  return { sent: rows.filter((r) => r.status === 'sent').length, pending: rows.filter((r) => r.status === 'pending').length };
}

function summary(outcome: ReanalysisOutcome, mails: { sent: number; pending: number }) {
  return {
    runId: outcome.runId, cutoff: outcome.cutoff, look: outcome.look, created: outcome.created, patients: outcome.patients,
    datasetHash: outcome.datasetHash,
    alerts: outcome.alerts.map(({ rule, population, endpoint, status, summary: text }) => ({ rule, population, endpoint, status, summary: text })),
    mails,
  };
}

/**
 * `cohortwatch reanalyze [--as-of DATE] [--wait]`: enqueues the reanalysis of a cutoff (default: the
 * end of the last complete quarter) for the workers of `cohortwatch scheduler`; --wait returns when the
 * run and its alert mails are done, printing the run's summary; --inline runs it in this process.
 */
export const registerReanalyze: RegisterCommand = (program) => {
  program.command('reanalyze')
    .description('reanalyse the cohort as of a cutoff (default: end of the last complete quarter) and send its alerts')
    .option('--as-of <date>', 'cutoff YYYY-MM-DD (end of that day, UTC)', cutoffArg)
    .option('--wait', 'wait until the run and its alert mails are done; print the run summary as JSON')
    .option('--inline', 'run in this process instead of the scheduler\'s workers (implies --wait)')
    .option('--timeout <seconds>', 'how long --wait waits', secondsArg, 600)
    .action(async (flags: ReanalyzeFlags) => {
      const env = loadEnv();
      const cutoff = flags.asOf ?? quarterCutoff(new Date());
      if (flags.inline) {
        await withDatabase(env, async (db) => {
          let outcome: ReanalysisOutcome;
          try {
            outcome = await reanalyze(reanalysisDeps(env, db), cutoff);
          } catch (error) {
            if (error instanceof CutoffError) {
              console.error(`cohortwatch: ${error.message}`);
              process.exitCode = 2;
              return;
            }
            throw error;
          }
          const transport = smtpTransport(env.SMTP_URL);
          for (const id of outcome.outboxIds) await deliverOutboxMail(db, transport, env.ALERT_FROM, id);
          transport.close();
          console.log(JSON.stringify(summary(outcome, await mailStatus(db, outcome))));
        });
        return;
      }
      await requireServices(env, { postgres: true, redis: true });
      const config = queueConfig(env);
      const queue = createReanalysisQueue(config);
      const events = flags.wait ? new QueueEvents(REANALYSIS_QUEUE, { connection: { url: config.redisUrl, maxRetriesPerRequest: null }, prefix: config.prefix }) : null;
      // Unheard, each reconnect attempt of a lost Redis would print a stack trace.
      events?.on('error', () => undefined);
      try {
        const job = await enqueueReanalysis(queue, cutoff, CURRENT_PLAN.version);
        if (!events) {
          console.log(`enqueued reanalysis of ${cutoff} (job ${job.id ?? '?'}); run \`cohortwatch scheduler\` to process it`);
          return;
        }
        await events.waitUntilReady();
        const outcome = await job.waitUntilFinished(events, flags.timeout * 1000).catch((error: unknown) => {
          throw new Error(`reanalysis of ${cutoff} not finished: ${error instanceof Error ? error.message : String(error)} (is \`cohortwatch scheduler\` running?)`);
        }) as ReanalysisOutcome;
        await withDatabase(env, async (db) => {
          const deadline = Date.now() + flags.timeout * 1000;
          let mails = await mailStatus(db, outcome);
          while (mails.pending > 0 && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 250));
            mails = await mailStatus(db, outcome);
          }
          console.log(JSON.stringify(summary(outcome, mails)));
          if (mails.pending > 0) process.exitCode = 1;
        });
      } finally {
        await Promise.allSettled([queue.close(), events?.close()]);
      }
    });
};
