// Opening and always closing what a short-lived command needs (database, queues), so a command
// never hangs on an open handle after an error.
import type { Kysely } from 'kysely';
import { connect } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import type { Env } from '../../config/env.ts';
import { createDeadLetterQueue, createFollowUpQueue, queueConfig } from '../../workers/queue.ts';
import type { FollowUpQueue } from '../../workers/queue.ts';

export async function withDatabase<T>(env: Env, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
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
  const config = queueConfig(env);
  const queues = { followUp: createFollowUpQueue(config), deadLetter: createDeadLetterQueue(config) };
  try {
    return await work(queues);
  } finally {
    await Promise.allSettled([queues.followUp.close(), queues.deadLetter.close()]);
  }
}
