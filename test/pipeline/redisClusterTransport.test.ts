// Issue 12, item 3: with REDIS_CLUSTER_NODES set, every process talks to the cluster and REDIS_URL is
// unused (it points at a closed port here): `reanalyze --wait` (its QueueEvents), the start-up check
// of every command, `serve` (its check and its rate limiter), the worker's and the scheduler's /healthz. With the nodes stopped, each says so in
// one line naming the nodes (passwords masked). A private 3-node cluster (support/redisCluster.ts);
// skipped only when redis-server is not installed.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestScheduledCutoff } from '../../src/analysis/lookSchedule.ts';
import { DEFAULT_PLAN } from '../../src/analysis/plan.ts';
import { runPlan } from '../../src/analysis/runPlan.ts';
import { requireServices } from '../../src/cli/pipeline/resources.ts';
import { loadEnv } from '../../src/config/env.ts';
import type { Env } from '../../src/config/env.ts';
import { startAnalysisWorkers } from '../../src/jobs/analysisQueues.ts';
import { startSchedulerOpsFromEnv } from '../../src/metrics/schedulerOps.ts';
import { serverConfig } from '../../src/server/serverConfig.ts';
import { startServer } from '../../src/server/startServer.ts';
import { smtpTransport } from '../../src/notify/transport.ts';
import { queueConfig } from '../../src/workers/queue.ts';
import { startWorkerService } from '../../src/workers/workerService.ts';
import { dayOf, syntheticCohort } from '../analysis/syntheticCohort.ts';
import { createTestDatabase } from '../helpers/db.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { eventually, getJson } from '../ops-resilience/support/cli.ts';
import { cli } from '../support/cliProcess.ts';
import { freePort } from './support/privateServers.ts';
import { hasRedisServer, startRedisCluster } from './support/redisCluster.ts';
import type { PrivateRedisCluster } from './support/redisCluster.ts';
import { silentLogger } from './support/runQueue.ts';

const ALERT_FROM = 'CohortWatch <cluster@cohortwatch.test>';

describe.skipIf(!hasRedisServer)('every Redis connection on a Redis Cluster, REDIS_URL closed', () => {
  let servers: PrivateRedisCluster;
  let t: TestDatabase;
  let vars: Record<string, string>;
  let env: Env;

  beforeAll(async () => {
    [servers, t] = await Promise.all([startRedisCluster(3), createTestDatabase('cluster-transport')]);
    vars = {
      DATABASE_URL: t.url, REDIS_URL: `redis://127.0.0.1:${await freePort()}`, REDIS_CLUSTER_NODES: servers.nodesEnv,
      QUEUE_PREFIX: `{cwct${randomBytes(3).toString('hex')}}`, LOG_LEVEL: 'silent', SCHEDULER_METRICS_PORT: '0', CONNECT_TIMEOUT_MS: '2000',
    };
    env = loadEnv(vars);
  }, 60_000);

  afterAll(async () => {
    await servers.stop();
    await t.drop();
  });

  it('reanalyze --wait returns when the workers on the cluster have run the look', async () => {
    const config = { ...queueConfig(env), attempts: 2, backoffMs: 50 };
    const cohort = syntheticCohort({ patients: 300, seed: 12 });
    const workers = await startAnalysisWorkers({
      config, alertFrom: ALERT_FROM, transport: smtpTransport('smtp://127.0.0.1:1'),
      deps: {
        db: t.db, plan: DEFAULT_PLAN, smallCellMin: 11, alertFrom: ALERT_FROM,
        loadDataset: (_db: unknown, cutoff: string) => Promise.resolve(cohort.rowsAt(dayOf(cutoff))),
        runPlan: (rows) => Promise.resolve(runPlan(DEFAULT_PLAN, rows)),
      },
    });
    try {
      const result = await cli(vars, 'reanalyze', '--wait', '--timeout', '60');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const summary = JSON.parse(result.stdout) as { runId: number; cutoff: string; created: boolean };
      const cutoff = latestScheduledCutoff(new Date(), { cron: env.REANALYSIS_CRON, tz: env.REANALYSIS_TZ });
      expect(summary).toMatchObject({ cutoff, created: true });
      const run = await t.db.selectFrom('analysis_runs').select(['cutoff', 'status']).where('id', '=', summary.runId).executeTakeFirstOrThrow();
      expect(run).toEqual({ cutoff, status: 'completed' });
    } finally {
      await workers.close(2000);
    }
  }, 120_000);

  it('serve checks the cluster at start-up and counts its rate limits there', async () => {
    const serveEnv = loadEnv({ ...vars, SESSION_SECRET: 'cluster-secret-0123456789abcdef0123', LOGIN_RATE_LIMIT_PER_MINUTE: '2' });
    const server = await startServer({ env: serveEnv, config: serverConfig(serveEnv), logger: silentLogger, port: 0, host: '127.0.0.1' });
    try {
      // Counted before the CSRF check refuses them (403): the third within the minute is over the limit.
      const attempt = async () => (await server.app.inject({ method: 'POST', url: '/login', payload: {} })).statusCode;
      expect([await attempt(), await attempt(), await attempt()]).toEqual([403, 403, 429]);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('the start-up check and both /healthz probe the cluster: up, then down in one line naming its nodes', async () => {
    await requireServices(env, { postgres: true, redis: true });
    const service = await startWorkerService({ db: t.db, queue: queueConfig(env), logger: silentLogger, concurrency: 1, metricsPort: 0, shutdownTimeoutMs: 1000 });
    const ops = await startSchedulerOpsFromEnv(env);
    const workerHealth = `http://127.0.0.1:${String(service.opsPort)}/healthz`;
    const schedulerHealth = `http://127.0.0.1:${String(ops.server.port)}/healthz`;
    try {
      // The probes connect in the background: up once the cluster client is ready.
      const up = async (url: string) => eventually(async () => {
        const answer = await getJson(url);
        return answer.status === 200 ? answer : undefined;
      }, `200 from ${url}`);
      expect((await up(workerHealth)).body).toEqual({ status: 'ok', database: 'ok', redis: 'ok', worker: 'ok' });
      expect((await up(schedulerHealth)).body).toEqual({ status: 'ok', database: 'ok', redis: 'ok', lastLook: 'ok' });

      await servers.stop();
      const nodes = servers.ports.map((port) => `redis://127.0.0.1:${port}`).join(', ');
      const down = async (url: string) => eventually(async () => {
        const answer = await getJson(url);
        return answer.status === 503 ? answer : undefined;
      }, `503 from ${url}`);
      for (const url of [workerHealth, schedulerHealth]) {
        const answer = await down(url);
        expect(answer.body).toMatchObject({ status: 'unavailable', database: 'ok' });
        const redis = String(answer.body.redis);
        expect(redis.startsWith(`unreachable (Redis Cluster at ${nodes}: `)).toBe(true);
        expect(redis).not.toMatch(/\n/);
      }

      // The start-up check: within CONNECT_TIMEOUT_MS, one line naming the nodes, passwords masked.
      const secret = 's3cret-cluster';
      const withPassword = loadEnv({ ...vars, REDIS_CLUSTER_NODES: servers.ports.map((port) => `redis://:${secret}@127.0.0.1:${port}`).join(',') });
      const started = Date.now();
      const failure = await requireServices(withPassword, { redis: true }).then(() => null, (error: unknown) => error);
      expect(Date.now() - started).toBeLessThan(withPassword.CONNECT_TIMEOUT_MS + 1000);
      const masked = servers.ports.map((port) => `redis://:***@127.0.0.1:${port}`).join(', ');
      expect(failure).toBeInstanceOf(Error);
      const message = (failure as Error).message;
      expect(message).toMatch(new RegExp(`^Redis Cluster at ${escape(masked)} is unreachable \\(connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+\\)$`));
      expect(message).not.toContain(secret);

      // What a user sees: the command's one line on stderr, exit 1.
      const cliRun = await cli(vars, 'reanalyze', '--wait', '--timeout', '10');
      expect(cliRun.code).toBe(1);
      expect(cliRun.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^cohortwatch: Redis Cluster at ${escape(nodes)} is unreachable \\(.+\\)$`)) as unknown]);
    } finally {
      await service.stop();
      await ops.close();
    }
  }, 90_000);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
