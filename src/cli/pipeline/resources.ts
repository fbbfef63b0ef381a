// Opening and always closing what a short-lived command needs (database, queues), so a command
// never hangs on an open handle after an error. Each service is checked first: unreachable, the
// command fails within CONNECT_TIMEOUT_MS with one line naming the service and its URL (a cluster's
// startup nodes; passwords masked) instead of waiting on BullMQ's endless reconnects.
import type { Kysely } from 'kysely';
import { connect } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import type { Env } from '../../config/env.ts';
import { checkDependencies } from '../../metrics/dependencies.ts';
import { createDeadLetterQueue, createFollowUpQueue, queueConfig, redisTarget } from '../../workers/queue.ts';
import type { FollowUpQueue } from '../../workers/queue.ts';

export { DependencyError, maskUrl } from '../../metrics/dependencies.ts';

// Redis is where the queues are: REDIS_URL, or the cluster of REDIS_CLUSTER_NODES (queueConfig).
type ServiceEnv = Pick<Env, 'DATABASE_URL' | 'CONNECT_TIMEOUT_MS'> & Parameters<typeof queueConfig>[0];

/**
 * Fails fast (DependencyError, one line) unless each service named answers within CONNECT_TIMEOUT_MS.
 * `postgres: 'server'` checks only the server (for `migrate`, which creates the database).
 */
export async function requireServices(env: ServiceEnv, needs: { postgres?: boolean | 'server'; redis?: boolean }): Promise<void> {
  await checkDependencies({
    ...(needs.postgres ? { postgres: env.DATABASE_URL, postgresServerOnly: needs.postgres === 'server' } : {}),
    ...(needs.redis ? { redis: redisTarget(queueConfig(env)) } : {}),
  }, env.CONNECT_TIMEOUT_MS);
}

export async function withDatabase<T>(env: Env, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  await requireServices(env, { postgres: true });
  const db = connect(env.DATABASE_URL, { poolSize: 4, applicationName: 'cohortwatch-cli' });
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

export interface Queues {
  followUp: FollowUpQueue;
  deadLetter: FollowUpQueue;
}

export async function withQueues<T>(env: Env, work: (queues: Queues) => Promise<T>): Promise<T> {
  await requireServices(env, { redis: true });
  const config = queueConfig(env);
  const queues = { followUp: createFollowUpQueue(config), deadLetter: createDeadLetterQueue(config) };
  try {
    return await work(queues);
  } finally {
    await Promise.allSettled([queues.followUp.close(), queues.deadLetter.close()]);
  }
}
