import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import { CURRENT_PLAN } from '../analysis/plan.ts';
import { lookHistoryRuns } from '../jobs/previousLooks.ts';
import { listLooks, LookInputError, voidLook } from '../jobs/looks.ts';
import { cutoffDateArgument } from './cutoffDateArgument.ts';
import { withDatabase } from './pipeline/resources.ts';

/**
 * `cohortwatch looks list [--json]`: every look (completed, failed, voided) with its alerts;
 * `cohortwatch looks void CUTOFF --reason TEXT --by NAME`: takes a look out of the monitoring. The run
 * stays on record, its alerts are marked void and their undelivered mails cancelled, what it did to the
 * signals is withdrawn (opened: withdrawn; reopened: back to the state before), and the next look
 * spends alpha as if it had never been taken (docs/analysis.md, "Voiding a look").
 */
export const registerLooks: RegisterCommand = (program) => {
  const command = program.command('looks').description('list the looks of the sequential monitoring, or void one');
  command.command('list')
    .description('list every look (completed, failed, voided), oldest cutoff first')
    .option('--json', 'JSON output')
    .action(async (options: { json?: boolean }) => {
      const looks = await withDatabase(loadEnv(), (db) => listLooks(db));
      if (options.json) {
        console.log(JSON.stringify(looks, null, 2));
        return;
      }
      if (looks.length === 0) console.log('no looks yet');
      for (const l of looks) {
        const detail = l.state === 'voided' ? `voided ${l.voidedAt ?? ''} by ${l.voidedBy ?? '?'}: ${l.voidReason ?? ''}`
          : l.state === 'failed' ? `error: ${(l.error ?? '').split('\n')[0].slice(0, 200)}`
            : `${l.patients ?? '-'} patients, ${l.alerts} alert(s)`;
        console.log(`${l.cutoff}\t${l.planVersion}\tlook ${l.look || '-'}\t${l.state}\t${detail}`);
      }
    });
  command.command('void').argument('<cutoff>', 'cutoff YYYY-MM-DD of the look', cutoffDateArgument)
    .description('void the look at CUTOFF: kept on record, alerts void, spending recomputed without it')
    .requiredOption('--reason <text>', 'why (kept with the run)')
    .requiredOption('--by <name>', 'who voids it (kept with the run)')
    .action(async (cutoff: string, options: { reason: string; by: string }) => {
      try {
        const outcome = await withDatabase(loadEnv(), async (db) => {
          // The look's own plan version: an amendment (cohortwatch plan amend) changes it from that cutoff on.
          const live = await lookHistoryRuns(db).select('analysis_runs.plan_version').where('analysis_runs.cutoff', '=', cutoff).executeTakeFirst();
          return voidLook(db, { cutoff, planVersion: live?.plan_version ?? CURRENT_PLAN.version, reason: options.reason, by: options.by });
        });
        const signals = outcome.signalsWithdrawn.map((s) => `#${s.id} ${s.from} -> ${s.to}`).join(', ');
        console.log(`voided the look at ${outcome.cutoff} (run ${outcome.runId}): ${outcome.alertsVoided} alert(s) void, ${outcome.mailsCancelled} undelivered mail(s) cancelled, ${outcome.signalsWithdrawn.length} signal(s) withdrawn${signals === '' ? '' : ` (${signals})`}`);
        if (outcome.laterLooks.length > 0) {
          console.error(`cohortwatch: note: later looks (${outcome.laterLooks.join(', ')}) were computed with this look counted; only looks from now on leave it out (see docs/analysis.md)`);
        }
      } catch (error) {
        if (error instanceof LookInputError) {
          console.error(`cohortwatch: ${error.message}`);
          process.exitCode = 2;
          return;
        }
        throw error;
      }
    });
};
