// Wiring of `cohortwatch serve`: opens PostgreSQL, the follow-up queue and the rate limiter's Redis
// connection, checks they answer (a one-line error otherwise), builds the server and listens.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import type { Env } from '../config/env.ts';
import { connect } from '../db/connect.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logging/logger.ts';
import { createFollowUpQueue, queueConfig } from '../workers/queue.ts';
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

export interface StartOptions {
  env: Env;
  config: ServerConfig;
  logger: Logger;
  port: number;
  host: string;
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { env, config, logger } = options;
  const db = connect(env.DATABASE_URL, { poolSize: 10, applicationName: 'cohortwatch-serve' });
  const queue = createFollowUpQueue(queueConfig(env));
  // Fails fast instead of queueing commands while Redis is away: a rate-limited route then answers 503.
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
  redis.on('error', () => undefined);
  const closeAll = async () => {
    await Promise.allSettled([queue.close(), db.destroy()]);
    redis.disconnect();
  };
  try {
    const health = healthCheck(db, queue);
    const [redisUp, services] = await Promise.all([within(redis.connect().then(() => true, () => false), 3000), health()]);
    if (!services.database) throw new ServeStartError(`PostgreSQL is not reachable at ${new URL(env.DATABASE_URL).host} (DATABASE_URL)`);
    if (redisUp !== true || !services.queue) throw new ServeStartError(`Redis is not reachable at ${new URL(env.REDIS_URL).host} (REDIS_URL)`);
    const missing = await sql<{ t: string | null }>`select to_regclass('public.users')::text as t`.execute(db);
    if (missing.rows[0]?.t === null || missing.rows[0]?.t === undefined) throw new ServeStartError('the database has no users table yet: run `cohortwatch migrate` first');
    const app = await buildServer({ db, queue, redis, logger, config, health });
    try {
      await app.listen({ port: options.port, host: options.host });
    } catch (error) {
      await app.close();
      const code = error instanceof Error && 'code' in error ? String(error.code) : '';
      if (code === 'EADDRINUSE') throw new ServeStartError(`port ${options.port} is already in use (--port or HTTP_PORT)`);
      if (code === 'EACCES') throw new ServeStartError(`not allowed to listen on port ${options.port}`);
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
