import type { Command } from 'commander';
import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import { withQueues } from './pipeline/resources.ts';
import type { Queues } from './pipeline/resources.ts';

interface DeadLetter { jobId: string; type: string; deadLetteredAt: string; reason: string }

const PAGE = 1000;

async function deadLetters(queues: Queues, ids: readonly string[]): Promise<DeadLetter[]> {
  const jobs = ids.length > 0
    ? await Promise.all(ids.map((id) => queues.deadLetter.getJob(id)))
    : await queues.deadLetter.getJobs(['waiting', 'delayed', 'prioritized'], 0, PAGE - 1, true);
  const found = jobs.filter((job) => job !== undefined);
  return Promise.all(found.map(async (job) => {
    const { logs } = await queues.deadLetter.getJobLogs(job.id ?? '', 0, 0);
    return { jobId: job.id ?? '', type: job.name, deadLetteredAt: new Date(job.timestamp).toISOString(), reason: logs[0] ?? '' };
  }));
}

/**
 * `cohortwatch dead-letter list|replay`: events whose transient failures (database down) exhausted their
 * attempts wait in `follow-up-events-dlq` with their original data; once the cause is fixed, replay
 * puts them back on `follow-up-events` under the same job id (re-applying is idempotent).
 */
export const registerDeadLetter: RegisterCommand = (program: Command) => {
  const command = program.command('dead-letter').description('list or replay the events of the dead-letter queue (follow-up-events-dlq)');
  command.command('list')
    .description('events in the dead-letter queue, oldest first, with the failure that put them there')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const rows = await withQueues(loadEnv(), (queues) => deadLetters(queues, []));
      if (options.json) {
        console.log(JSON.stringify(rows, null, 2));
        return;
      }
      if (rows.length === 0) console.log('the dead-letter queue is empty');
      for (const r of rows) console.log(`${r.deadLetteredAt}  ${r.jobId}  ${r.type}  ${r.reason}`);
    });
  command.command('replay [jobIds...]')
    .description('put dead-lettered events back on follow-up-events (all of them, or the job ids given)')
    .action(async (jobIds: string[]) => {
      const replayed = await withQueues(loadEnv(), async (queues) => {
        let count = 0;
        // Page by page until the queue (or the list given) is done.
        for (let rows = await deadLetters(queues, jobIds); rows.length > 0; rows = jobIds.length > 0 ? [] : await deadLetters(queues, [])) {
          const missing = jobIds.filter((id) => !rows.some((r) => r.jobId === id));
          if (missing.length > 0) throw new Error(`not in the dead-letter queue: ${missing.join(', ')}`);
          for (const row of rows) {
            const job = await queues.deadLetter.getJob(row.jobId);
            if (job === undefined) continue;
            await queues.followUp.add(job.name, job.data, { jobId: row.jobId });
            await job.remove();
            count += 1;
          }
        }
        if (count === 0 && jobIds.length > 0) throw new Error(`not in the dead-letter queue: ${jobIds.join(', ')}`);
        return count;
      });
      console.log(`replayed ${replayed} event(s) onto follow-up-events`);
    });
};
