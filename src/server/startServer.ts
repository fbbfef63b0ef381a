// Wiring of `cohortwatch serve`: checks PostgreSQL and Redis answer (the CLI's own check, one line
// naming every service that does not, and what is wrong: refused, unknown database, authentication),
// then opens the database, the follow-up queue and the rate limiter's Redis connection, builds the
// server and listens. Redis is the queues' transport: REDIS_URL, or the cluster of REDIS_CLUSTER_NODES.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Env } from '../config/env.ts';
import { checkDependencies, DependencyError, describeRedis } from '../metrics/dependencies.ts';
import { connect } from '../db/connect.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logging/logger.ts';
import { createFollowUpQueue, queueConfig, redisClient, redisTarget } from '../workers/queue.ts';
import type { FollowUpQueue } from '../workers/queue.ts';
import { buildServer } from './buildServer.ts';
import type { ServerConfig } from './serverConfig.ts';

export class ServeStartError extends Error {
  override name = 'ServeStartError';
}

export interface RunningServer {
  app: FastifyInstance;
  /** The address it listens on, e.g. http://127.0.0.1:8080. */
  url: string;
  stop(): Promise<void>;
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), ms); })])
    .finally(() => clearTimeout(timer));
}

export function healthCheck(db: Kysely<Database>, queue: FollowUpQueue, timeoutMs = 2000) {
  return async () => {
    const [database, queued] = await Promise.all([
      within(sql`select 1`.execute(db).then(() => true, () => false), timeoutMs),
      within(queue.getJobCounts('waiting').then(() => true, () => false), timeoutMs),
    ]);
    return { database: database === true, queue: queued === true };
  };
}

/** How long stopping waits for the queue and the pool to close before dropping their connections. */
const CLOSE_TIMEOUT_MS = 5000;

export interface StartOptions {
  env: Env;
  config: ServerConfig;
  logger: Logger;
  port: number;
  host: string;
}

/** Why listening failed, in one line, for the errors a person can fix (else null). */
function listenProblem(error: unknown, host: string, port: number): string | null {
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  switch (code) {
    case 'EADDRINUSE': return `port ${port} is already in use (--port or HTTP_PORT)`;
    case 'EACCES': return `not allowed to listen on port ${port}`;
    case 'ENOTFOUND': case 'EAI_AGAIN': return `cannot listen on ${host}: no such host (--host or HTTP_HOST)`;
    case 'EADDRNOTAVAIL': return `cannot listen on ${host}: not an address of this machine (--host or HTTP_HOST)`;
    default: return null;
  }
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { env, config, logger } = options;
  const queues = queueConfig(env);
  const target = redisTarget(queues);
  try {
    await checkDependencies({ postgres: env.DATABASE_URL, redis: target }, env.CONNECT_TIMEOUT_MS);
  } catch (error) {
    if (error instanceof DependencyError) throw new ServeStartError(error.message);
    throw error;
  }
  const db = connect(env.DATABASE_URL, { poolSize: 10, applicationName: 'cohortwatch-serve' });
  const queue = createFollowUpQueue(queues);
  // Fails fast instead of queueing commands while Redis is away: a rate-limited route then answers 503.
  const redis = redisClient(target, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  // Bounded: with Redis away BullMQ's close() waits for a reconnection that may never come; the CLI
  // exits once stop() returns (src/cli/main.ts), so SIGTERM always ends the process.
  const closeAll = async () => {
    await within(Promise.allSettled([queue.close(), db.destroy()]), CLOSE_TIMEOUT_MS);
    redis.disconnect();
  };
  try {
    const health = healthCheck(db, queue);
    const [redisUp, services] = await Promise.all([within(redis.connect().then(() => true, () => false), 3000), health()]);
    if (!services.database) throw new ServeStartError(`PostgreSQL is not reachable at ${new URL(env.DATABASE_URL).host} (DATABASE_URL)`);
    if (redisUp !== true || !services.queue) {
      throw new ServeStartError(target.kind === 'node'
        ? `Redis is not reachable at ${new URL(target.url).host} (REDIS_URL)`
        : `${describeRedis(target)} is not reachable (REDIS_CLUSTER_NODES)`);
    }
    const missing = await sql<{ t: string | null }>`select to_regclass('public.users')::text as t`.execute(db);
    if (missing.rows[0]?.t === null || missing.rows[0]?.t === undefined) throw new ServeStartError('the database has no users table yet: run `cohortwatch migrate` first');
    const app = await buildServer({ db, queue, redis, logger, config, health });
    try {
      await app.listen({ port: options.port, host: options.host });
    } catch (error) {
      await app.close();
      const problem = listenProblem(error, options.host, options.port);
      if (problem !== null) throw new ServeStartError(problem);
      throw error;
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    return {
      app,
      url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
      async stop() {
        await app.close();
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
