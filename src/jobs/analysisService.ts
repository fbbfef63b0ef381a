import type { Kysely } from 'kysely';
import type { Env } from '../config/env.ts';
import { connect } from '../db/connect.ts';
import type { Database } from '../db/database.ts';
import { CURRENT_PLAN } from '../analysis/plan.ts';
import { smtpTransport } from '../notify/transport.ts';
import { queueConfig } from '../workers/queue.ts';
import { startAnalysisWorkers } from './analysisQueues.ts';
import type { AnalysisWorkers, AnalysisWorkersOptions } from './analysisQueues.ts';
import { pipelineDataset } from './datasetLoader.ts';
import type { ReanalysisDeps } from './reanalysis.ts';

/** The reanalysis dependencies from the environment (the production wiring). */
export function reanalysisDeps(env: Env, db: Kysely<Database>): ReanalysisDeps {
  return {
    db, plan: CURRENT_PLAN, loadDataset: pipelineDataset, smallCellMin: env.SMALL_CELL_MIN, alertFrom: env.ALERT_FROM,
    schedule: { cron: env.REANALYSIS_CRON, tz: env.REANALYSIS_TZ },
    reminderDays: env.SIGNAL_REMINDER_DAYS, reportBaseUrl: env.REPORT_BASE_URL ?? null,
  };
}

export interface AnalysisService {
  readonly db: Kysely<Database>;
  readonly workers: AnalysisWorkers;
  stop(): Promise<void>;
}

/** Reanalysis and mail workers wired from the environment; `stop()` closes them with a bounded wait. */
export async function startAnalysisService(
  env: Env, options: Pick<AnalysisWorkersOptions, 'reportDir' | 'onReportError' | 'logger' | 'metrics'> = {},
): Promise<AnalysisService> {
  const db = connect(env.DATABASE_URL, { poolSize: 6, applicationName: 'cohortwatch-analysis' });
  const workers = await startAnalysisWorkers({
    config: queueConfig(env), deps: reanalysisDeps(env, db), transport: smtpTransport(env.SMTP_URL), alertFrom: env.ALERT_FROM,
    retry: { baseMs: env.ALERT_RETRY_BASE_MS, maxMs: env.ALERT_RETRY_MAX_MS }, sweepIntervalMs: env.ALERT_SWEEP_MS,
    ...(env.OPS_EMAIL ? { opsEmail: env.OPS_EMAIL } : {}), ...options,
  }).catch(async (error: unknown) => {
    await db.destroy();
    throw error;
  });
  return {
    db, workers,
    async stop() {
      await workers.close(env.SHUTDOWN_TIMEOUT_MS);
      await db.destroy();
    },
  };
}
