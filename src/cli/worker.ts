import { InvalidArgumentError } from 'commander';
import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import { connect } from '../db/connect.ts';
import { createLogger } from '../logging/logger.ts';
import { queueConfig } from '../workers/queue.ts';
import { startWorkerService } from '../workers/workerService.ts';

/** `cohortwatch worker`: consumes follow-up-events until SIGTERM/SIGINT. */
export const registerWorker: RegisterCommand = (program) => {
  program
    .command('worker')
    .description('apply follow-up events from the queue to patient timelines (serves /healthz and /metrics on METRICS_PORT)')
    .option('--concurrency <n>', 'jobs processed at once (default WORKER_CONCURRENCY)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('must be an integer from 1 to 1000');
      return n;
    })
    .action(async (options: { concurrency?: number }) => {
      const env = loadEnv();
      const logger = createLogger(env, 'worker');
      const concurrency = options.concurrency ?? env.WORKER_CONCURRENCY;
      // One connection per concurrent job (each holds a transaction) plus health checks.
      const db = connect(env.DATABASE_URL, { poolSize: concurrency + 2, applicationName: 'cohortwatch-worker' });
      const service = await startWorkerService({
        db, logger, concurrency, queue: queueConfig(env), metricsPort: env.METRICS_PORT,
        shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS, lockMs: env.JOB_LOCK_MS,
      });
      await new Promise<void>((resolve) => {
        const onSignal = (signal: NodeJS.Signals) => {
          logger.info({ signal }, 'signal received');
          void service.stop().finally(resolve);
        };
        process.once('SIGTERM', onSignal);
        process.once('SIGINT', onSignal);
      });
      await db.destroy();
      logger.flush();
    });
};
