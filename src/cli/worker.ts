import { InvalidArgumentError } from 'commander';
import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import { connect } from '../db/connect.ts';
import { createLogger } from '../logging/logger.ts';
import { queueConfig } from '../workers/queue.ts';
import { startWorkerService } from '../workers/workerService.ts';
import { requireServices } from './pipeline/resources.ts';
import { boundedWait, untilSignal } from './pipeline/untilSignal.ts';

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
      // Unreachable at start-up is a configuration or deployment problem: say so and exit (a restart
      // policy retries); once running, outages are ridden out and shown by /healthz.
      await requireServices(env, { postgres: true, redis: true });
      // Jobs share a few transactions (group commit); the pool needs those plus health checks.
      const db = connect(env.DATABASE_URL, { poolSize: 8, applicationName: 'cohortwatch-worker', noJit: true });
      const service = await startWorkerService({
        db, logger, concurrency, queue: queueConfig(env), metricsPort: env.METRICS_PORT,
        shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS, lockMs: env.JOB_LOCK_MS,
      }).catch(async (error: unknown) => {
        await db.destroy();
        throw error;
      });
      await untilSignal(logger, env.SHUTDOWN_TIMEOUT_MS, async () => {
        await service.stop();
        await boundedWait(db.destroy(), 200);
      });
      logger.flush();
    });
};
