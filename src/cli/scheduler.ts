import { resolve } from 'node:path';
import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import { createReanalysisQueue, registerReanalysisScheduler } from '../jobs/analysisQueues.ts';
import { startAnalysisService } from '../jobs/analysisService.ts';
import { checkSchedule } from '../analysis/lookSchedule.ts';
import { createLogger } from '../logging/logger.ts';
import { queueConfig } from '../workers/queue.ts';

/**
 * `cohortwatch scheduler`: registers the reanalysis job scheduler (REANALYSIS_CRON, 6 fields with
 * seconds, in REANALYSIS_TZ; upserting keeps one scheduler however many processes register it) and
 * runs the reanalysis and alert-mail workers until SIGTERM/SIGINT.
 */
export const registerScheduler: RegisterCommand = (program) => {
  program.command('scheduler')
    .description('register the quarterly reanalysis (REANALYSIS_CRON/REANALYSIS_TZ) and run the reanalysis and alert-mail workers')
    .option('--register-only', 'register or update the scheduler, then exit')
    .option('--report-dir <dir>', 'write each new run\'s quarterly report to DIR/<cutoff>/')
    .action(async (options: { registerOnly?: boolean; reportDir?: string }) => {
      const env = loadEnv();
      try {
        checkSchedule({ cron: env.REANALYSIS_CRON, tz: env.REANALYSIS_TZ });
      } catch (error) {
        console.error(`cohortwatch: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 2;
        return;
      }
      const logger = createLogger(env, 'scheduler');
      const queue = createReanalysisQueue(queueConfig(env));
      try {
        await registerReanalysisScheduler(queue, env.REANALYSIS_CRON, env.REANALYSIS_TZ);
      } catch (error) {
        await queue.close();
        console.error(`cohortwatch: cannot register REANALYSIS_CRON "${env.REANALYSIS_CRON}" in ${env.REANALYSIS_TZ}: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 2;
        return;
      }
      await queue.close();
      logger.info({ cron: env.REANALYSIS_CRON, tz: env.REANALYSIS_TZ }, 'reanalysis scheduler registered');
      if (options.registerOnly) return;
      const service = await startAnalysisService(env, {
        ...(options.reportDir ? { reportDir: resolve(options.reportDir) } : {}),
        onReportError: (cutoff, error) => logger.error({ cutoff, err: error }, 'quarterly report not written'),
        logger,
      });
      logger.info('reanalysis and alert-mail workers running');
      await new Promise<void>((resolve) => {
        const onSignal = (signal: NodeJS.Signals) => {
          logger.info({ signal }, 'signal received');
          void service.stop().finally(resolve);
        };
        process.once('SIGTERM', onSignal);
        process.once('SIGINT', onSignal);
      });
      logger.flush();
    });
};
