import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import { QUEUE_STATES } from '../metrics/pipelineMetrics.ts';
import { withDatabase, withQueues } from './pipeline/resources.ts';
import { failedLooks, listLooks } from '../jobs/looks.ts';
import type { LookRecord } from '../jobs/looks.ts';
import { outboxSummary } from '../notify/outbox.ts';
import type { OutboxSummary } from '../notify/outbox.ts';

export interface AlertingStatus {
  /** The latest attempt at a look under any plan version (completed, failed or voided); null before the first. */
  lastLook: Pick<LookRecord, 'cutoff' | 'planVersion' | 'look' | 'state' | 'finishedAt' | 'alerts' | 'error'> | null;
  /**
   * Live looks (completed, not voided) per plan version, in order of first use: an amendment changes the
   * version from its effective date on, and the looks under either version are all the monitoring's.
   */
  liveLooks: { planVersion: string; looks: number; first: string; last: string }[];
  /** Cutoffs whose looks failed and have not been taken since, under any plan version (retried automatically by the scheduler). */
  failedLooks: { cutoff: string; planVersion: string; failures: number; lastFailedAt: string; error: string | null }[];
  mail: OutboxSummary;
}

export interface PipelineStatus {
  queue: Record<string, number>;
  deadLetter: number;
  patients: number;
  events: number;
  rejected: number;
  /** Same eventId, different payload (rejected; the first payload stands). */
  conflicts: number;
  /** Events kept in the log but not applied (before PTR, after death, ...), over all current timelines. */
  dataQualityConflicts: number;
  alerting: AlertingStatus;
}

export async function alertingStatus(db: Kysely<Database>): Promise<AlertingStatus> {
  const all = await listLooks(db);
  const looks = [...all].sort((a, b) => (a.finishedAt ?? a.startedAt).localeCompare(b.finishedAt ?? b.startedAt));
  const last = looks.at(-1);
  const liveLooks: AlertingStatus['liveLooks'] = [];
  // listLooks is in cutoff order, so each version's first and last live cutoffs come in order.
  for (const l of all.filter((x) => x.state === 'completed')) {
    const entry = liveLooks.find((v) => v.planVersion === l.planVersion);
    if (entry) {
      entry.looks++;
      entry.last = l.cutoff;
    } else {
      liveLooks.push({ planVersion: l.planVersion, looks: 1, first: l.cutoff, last: l.cutoff });
    }
  }
  return {
    lastLook: last ? { cutoff: last.cutoff, planVersion: last.planVersion, look: last.look, state: last.state, finishedAt: last.finishedAt, alerts: last.alerts, error: last.error } : null,
    liveLooks,
    failedLooks: (await failedLooks(db)).map((f) => ({ ...f, lastFailedAt: f.lastFailedAt.toISOString() })),
    mail: await outboxSummary(db),
  };
}

function alertingLines(a: AlertingStatus): string[] {
  const last = a.lastLook;
  const age = a.mail.oldestPendingAgeSeconds;
  return [
    `live looks: ${a.liveLooks.length === 0 ? 'none' : a.liveLooks.map((v) => `${v.looks} under plan ${v.planVersion} (${v.first}${v.looks > 1 ? ` to ${v.last}` : ''})`).join(', ')}`,
    `last look: ${last ? `${last.cutoff} (look ${last.look || '-'}, plan ${last.planVersion}) ${last.state}${last.finishedAt ? ` at ${last.finishedAt}` : ''}${last.state === 'failed' ? `: ${(last.error ?? '').split('\n')[0].slice(0, 200)}` : `, ${last.alerts} alert(s)`}` : 'none yet'}`,
    `failed looks: ${a.failedLooks.length === 0 ? 'none' : a.failedLooks.map((f) => `${f.cutoff} (plan ${f.planVersion}, ${f.failures}x)`).join(', ')}`,
    `alert mail: pending ${a.mail.pending}, failed ${a.mail.failed}, sent ${a.mail.sent}, cancelled ${a.mail.cancelled}${age === null ? '' : `; oldest undelivered ${age} s old`}`,
  ];
}

/** `cohortwatch status`: queue counts, patients, events, rejected events and conflicts, looks and alert mail. */
export const registerStatus: RegisterCommand = (program) => {
  program
    .command('status')
    .description('show queue counts, patients, events, rejected events and conflicts, the last look, failed looks and the alert-mail outbox')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const env = loadEnv();
      const [queues, counts] = await Promise.all([
        withQueues(env, async ({ followUp, deadLetter }) => ({
          queue: await followUp.getJobCounts(...QUEUE_STATES),
          deadLetter: (await deadLetter.getJobCounts('waiting')).waiting ?? 0,
        })),
        withDatabase(env, async (db) => {
          const one = <T>(query: Promise<{ n: T }>) => query.then((row) => row.n);
          return {
            patients: await one(db.selectFrom('patients').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()),
            events: await one(db.selectFrom('follow_up_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()),
            rejected: await one(db.selectFrom('rejected_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()),
            conflicts: await one(db.selectFrom('rejected_events').where('kind', '=', 'conflict').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()),
            dataQualityConflicts: await one(db.selectFrom('timelines')
              .select(sql<number>`coalesce(sum(jsonb_array_length(conflicts)), 0)::int`.as('n')).executeTakeFirstOrThrow()),
            alerting: await alertingStatus(db),
          };
        }),
      ]);
      const status: PipelineStatus = { ...queues, ...counts };
      if (options.json) {
        console.log(JSON.stringify(status, null, 2));
        return;
      }
      const queueLine = QUEUE_STATES.map((state) => `${state} ${status.queue[state] ?? 0}`).join(', ');
      console.log([
        `queue follow-up-events: ${queueLine}`,
        `dead-letter queue: ${status.deadLetter}`,
        `patients: ${status.patients}`,
        `events: ${status.events}`,
        `rejected: ${status.rejected} (conflicts: ${status.conflicts})`,
        `data-quality conflicts: ${status.dataQualityConflicts}`,
        ...alertingLines(status.alerting),
      ].join('\n'));
    });
};
