import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import { positiveIntegerArgument } from './pipeline/cliArguments.ts';
import { withDatabase } from './pipeline/resources.ts';

/** `cohortwatch rejected [--json]`: rejected events, newest first, with their reasons. */
export const registerRejected: RegisterCommand = (program) => {
  program
    .command('rejected')
    .description('list rejected events (invalid, or same eventId with another payload) with their reasons')
    .option('--json', 'print a JSON array instead of a table')
    .option('--limit <n>', 'at most this many, newest first', positiveIntegerArgument, 1000)
    .action(async (options: { json?: boolean; limit: number }) => {
      const env = loadEnv();
      const rows = await withDatabase(env, (db) => db.selectFrom('rejected_events')
        .select(['rejected_at', 'kind', 'event_id', 'reason', 'payload_bytes'])
        .orderBy('rejected_at', 'desc').orderBy('id', 'desc')
        .limit(options.limit)
        .execute());
      if (options.json) {
        console.log(JSON.stringify(rows.map((r) => ({
          rejectedAt: r.rejected_at.toISOString(), kind: r.kind, eventId: r.event_id, reason: r.reason, payloadBytes: r.payload_bytes,
        })), null, 2));
        return;
      }
      if (rows.length === 0) {
        console.log('no rejected events');
        return;
      }
      for (const r of rows) {
        console.log(`${r.rejected_at.toISOString()}  ${r.kind.padEnd(8)}  ${(r.event_id ?? '(no usable eventId)').padEnd(24)}  ${r.reason}`);
      }
    });
};
