import { sql } from 'kysely';
import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import { QUEUE_STATES } from '../metrics/pipelineMetrics.ts';
import { withDatabase, withQueues } from './pipeline/resources.ts';

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
}

/** `cohortwatch status`: queue counts, patients, events, rejected events and conflicts. */
export const registerStatus: RegisterCommand = (program) => {
  program
    .command('status')
    .description('show queue counts, patients, events, rejected events and conflicts')
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
      ].join('\n'));
    });
};
