// /healthz and /metrics of `cohortwatch scheduler`. Healthy means: PostgreSQL answers, Redis answers
// (unless BullMQ runs on PostgreSQL), and the latest look did not fail. Metrics: the looks and the mail
// outbox as stored (alertingMetrics.ts), the jobs this process ran (jobMetrics.ts), process metrics.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Env } from '../config/env.ts';
import { connect } from '../db/connect.ts';
import type { Database } from '../db/database.ts';
import { createReanalysisQueue } from '../jobs/analysisQueues.ts';
import { queueConfig, redisTarget } from '../workers/queue.ts';
import type { RedisTarget } from '../workers/queue.ts';
import { readAlertingState, registerAlertingMetrics } from './alertingMetrics.ts';
import type { FailedLookSource } from './alertingMetrics.ts';
import { probePostgres, redisProbe } from './dependencies.ts';
import { startOpsServer } from './httpServer.ts';
import type { OpsServer } from './httpServer.ts';
import { createJobMetrics } from './jobMetrics.ts';
import type { JobMetrics } from './jobMetrics.ts';

/** The reanalysis queue as the health check reads it: its failed jobs, newest first. */
export interface LookJobSource extends FailedLookSource {
  getJobs(types: 'failed'[], start: number, end: number): Promise<({ name: string; finishedOn?: number; failedReason: string; data: { cutoff?: string } } | undefined)[]>;
}

export interface SchedulerOpsOptions {
  port: number;
  db: Kysely<Database>;
  reanalysis: LookJobSource;
  /** The queues' Redis (a node or a cluster) to probe; null when BullMQ runs on PostgreSQL. */
  redis: RedisTarget | null;
}

export interface SchedulerOps {
  server: OpsServer;
  /** For the workers' lifecycle, so their jobs are counted on this /metrics. */
  jobMetrics: JobMetrics;
  close(): Promise<void>;
}

/** 'ok', or why the latest look counts as failed (a stored failed run, or a failed job after the last completed run). */
export async function lastLookHealth(db: Kysely<Database>, reanalysis: LookJobSource): Promise<string> {
  const [last, failedJobs] = await Promise.all([
    db.selectFrom('analysis_runs').select(['cutoff', 'status', 'finished_at', 'error']).where('voided_at', 'is', null).orderBy('id', 'desc').limit(1).executeTakeFirst(),
    reanalysis.getJobs(['failed'], 0, 0),
  ]);
  if (last?.status === 'failed') return `failed (cutoff ${last.cutoff}${last.error ? `: ${last.error.split('\n')[0]}` : ''})`;
  const job = failedJobs.find((j) => j !== undefined && j.name === 'reanalyze');
  const lastCompleted = last?.finished_at?.getTime() ?? 0;
  if (job?.finishedOn !== undefined && job.finishedOn > lastCompleted) {
    return `failed (cutoff ${job.data.cutoff ?? '?'}: ${job.failedReason.split('\n')[0]})`;
  }
  return 'ok';
}

export async function startSchedulerOps(options: SchedulerOpsOptions): Promise<SchedulerOps> {
  const { db, reanalysis } = options;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cohortwatch_scheduler_' });
  registerAlertingMetrics(registry, () => readAlertingState(db, reanalysis));
  const jobMetrics = createJobMetrics(registry);
  const redis = options.redis === null ? null : redisProbe(options.redis);
  let server: OpsServer;
  try {
    server = await startOpsServer(options.port, registry, async () => {
      const [database, queue] = await Promise.all([
        probePostgres(() => sql`select 1`.execute(db)),
        redis === null ? Promise.resolve('ok') : redis.probe(),
      ]);
      // The last look can only be judged when both answer.
      const lastLook = database === 'ok' && queue === 'ok'
        ? await lastLookHealth(db, reanalysis).catch((error: unknown) => `unknown (${error instanceof Error ? error.message : String(error)})`)
        : 'unknown';
      return { ok: database === 'ok' && queue === 'ok' && lastLook === 'ok', detail: { database, redis: queue, lastLook } };
    });
  } catch (error) {
    redis?.close();
    throw error;
  }
  return {
    server, jobMetrics,
    async close() {
      redis?.close();
      await server.close();
    },
  };
}

/**
 * The scheduler's ops endpoints wired from the environment, on connections of their own (a small pool
 * and the reanalysis queue), so they start, and a taken METRICS_PORT fails, before any worker runs.
 */
export async function startSchedulerOpsFromEnv(env: Env): Promise<SchedulerOps> {
  const db = connect(env.DATABASE_URL, { poolSize: 2, applicationName: 'cohortwatch-scheduler-ops' });
  const config = queueConfig(env);
  const reanalysis = createReanalysisQueue(config);
  const closeOwn = () => Promise.race([
    Promise.allSettled([db.destroy(), reanalysis.close()]),
    new Promise((resolve) => setTimeout(resolve, 200).unref()),
  ]);
  try {
    const ops = await startSchedulerOps({ port: env.SCHEDULER_METRICS_PORT, db, reanalysis, redis: redisTarget(config) });
    return {
      ...ops,
      async close() {
        await ops.close();
        await closeOwn();
      },
    };
  } catch (error) {
    await closeOwn();
    throw error;
  }
}
