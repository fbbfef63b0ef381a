// The three services the demo needs, each either the user's (DATABASE_URL, REDIS_URL, SMTP_URL set)
// or a private one started here: an embedded PostgreSQL, BullMQ on PostgreSQL instead of Redis, and an
// SMTP server that keeps each mail as an .eml file.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { connect } from '../db/connect.ts';
import { databaseName, ensureDatabase, migrateToLatest } from '../db/migrate.ts';
import { createMailQueue, createReanalysisQueue } from '../jobs/analysisQueues.ts';
import { createDeadLetterQueue, createFollowUpQueue } from '../workers/queue.ts';
import type { QueueConfig } from '../workers/queue.ts';
import { databaseUrl, startEmbeddedPostgres } from './embeddedPostgres.ts';
import type { EmbeddedDatabaseServer } from './embeddedPostgres.ts';
import { startMailCatcher } from './mailCatcher.ts';
import type { MailCatcher } from './mailCatcher.ts';
import { preparePostgresQueueStore } from './postgresQueueStore.ts';

/** The part of the environment that decides which services are the user's. */
export interface ServiceEnv {
  readonly DATABASE_URL?: string | undefined;
  readonly REDIS_URL?: string | undefined;
  readonly SMTP_URL?: string | undefined;
}

export interface DemoServices {
  readonly databaseUrl: string;
  readonly queue: QueueConfig;
  readonly smtpUrl: string;
  /** Set when mail is caught locally (no SMTP_URL): where the .eml files go. */
  readonly catcher: MailCatcher | null;
  /** One line per service, for the start and end of the demo. */
  readonly description: readonly string[];
  stop(): Promise<void>;
}

/** DATABASE_URL names a database that holds somebody's data. */
export class UserDatabaseError extends Error {
  override name = 'UserDatabaseError';
}

const DEMO_DATABASE = 'cohortwatch_demo';
// Its own schema, so the demo's queues never mix with a deployment's own BullMQ schema on the same server.
const QUEUE_SCHEMA = 'cohortwatch_demo_bullmq';
// Connections per BullMQ queue or worker (each also holds one LISTEN connection when consuming).
const QUEUE_POOL_SIZE = 3;
const ATTEMPTS = 3;
const BACKOFF_MS = 500;

// The comment that marks a database as the demo's own, so a later run may drop and recreate it.
const DEMO_MARK = 'cohortwatch demo: simulated registry, recreated by every demo run';

async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), application_name: 'cohortwatch-demo' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Prepares the database of DATABASE_URL for a fresh demo run. The demo's own database (marked by a
 * comment) is dropped and recreated; an empty one is taken and marked; one holding data is somebody's
 * registry, and the demo will not add simulated patients to it.
 */
async function freshUserDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const comment = await onServer(url, async (client) => {
    const found = await client.query<{ comment: string | null }>(
      "select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1", [name]);
    return found.rows.length === 0 ? undefined : found.rows[0].comment;
  });
  if (comment === DEMO_MARK) {
    await onServer(url, (client) => client.query(`drop database ${client.escapeIdentifier(name)} with (force)`));
  }
  await ensureDatabase(url);
  await migrate(url);
  if (comment !== DEMO_MARK) await assertEmpty(url);
  await onServer(url, (client) => client.query(`comment on database ${client.escapeIdentifier(name)} is ${client.escapeLiteral(DEMO_MARK)}`));
}

async function migrate(url: string): Promise<void> {
  const db = connect(url, { poolSize: 1, applicationName: 'cohortwatch-demo-migrate' });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}

async function assertEmpty(url: string): Promise<void> {
  const db = connect(url, { poolSize: 1, applicationName: 'cohortwatch-demo' });
  try {
    const counts = await sql<{ events: number; runs: number }>`select (select count(*) from follow_up_events)::int as events, (select count(*) from analysis_runs)::int as runs`.execute(db);
    const row = counts.rows[0];
    if (row.events > 0 || row.runs > 0) {
      throw new UserDatabaseError(`database "${databaseName(url)}" of DATABASE_URL already holds ${row.events} events and ${row.runs} analysis runs; point DATABASE_URL at an empty database (e.g. .../cohortwatch_demo) for the demo`);
    }
  } finally {
    await db.destroy();
  }
}

/** The run's queues under its own Redis prefix: removed at the end, so runs leave nothing behind in Redis. */
async function discardQueues(config: QueueConfig): Promise<void> {
  const queues = [createFollowUpQueue(config), createDeadLetterQueue(config), createReanalysisQueue(config), createMailQueue(config)];
  try {
    for (const queue of queues) await queue.obliterate({ force: true });
  } finally {
    await Promise.allSettled(queues.map((queue) => queue.close()));
  }
}

export interface StartServicesOptions {
  /** The variables the user set (validated): a set one means "use mine". */
  readonly env: ServiceEnv;
  /** `.demo/`: the embedded server's data and log. */
  readonly workDir: string;
  /** Where caught mail is written. */
  readonly mailDir: string;
  readonly defaultRedisUrl: string;
}

/** Starts (or connects to) the demo's services; on failure, stops whatever had started. */
export async function startDemoServices(options: StartServicesOptions): Promise<DemoServices> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const description: string[] = [];
    let server: EmbeddedDatabaseServer | null = null;
    let url: string;
    if (options.env.DATABASE_URL) {
      url = options.env.DATABASE_URL;
      description.push(`PostgreSQL: DATABASE_URL (database "${databaseName(url)}")`);
    } else {
      server = await startEmbeddedPostgres({ dataDir: path.join(options.workDir, 'pg'), logFile: path.join(options.workDir, 'postgres.log') });
      const started = server;
      stops.push(() => started.stop());
      url = databaseUrl(server.serverUrl, DEMO_DATABASE);
      description.push(`PostgreSQL: embedded server on 127.0.0.1:${server.port} (data in ${server.dataDir})`);
    }
    if (server === null) {
      await freshUserDatabase(url);
    } else {
      await ensureDatabase(url);
      await migrate(url);
    }

    let queue: QueueConfig;
    if (options.env.REDIS_URL) {
      // A prefix of its own per run: the reanalysis keeps a cutoff's job id for days, and an earlier
      // run's job would otherwise stand in for this run's.
      queue = { redisUrl: options.env.REDIS_URL, prefix: `cwdemo-${randomBytes(4).toString('hex')}`, attempts: ATTEMPTS, backoffMs: BACKOFF_MS };
      description.push(`BullMQ: Redis at REDIS_URL (prefix ${queue.prefix})`);
      const config = queue;
      stops.push(() => discardQueues(config));
    } else {
      const store = await preparePostgresQueueStore(url, QUEUE_SCHEMA, { fresh: true, poolSize: QUEUE_POOL_SIZE });
      // redisUrl is not used when a PostgreSQL store is given; it keeps its configured default.
      queue = { redisUrl: options.defaultRedisUrl, prefix: 'cwdemo', attempts: ATTEMPTS, backoffMs: BACKOFF_MS, postgres: store };
      description.push(`BullMQ: PostgreSQL backend (schema ${QUEUE_SCHEMA} of the demo database)`);
    }

    let catcher: MailCatcher | null = null;
    let smtpUrl: string;
    if (options.env.SMTP_URL) {
      smtpUrl = options.env.SMTP_URL;
      description.push(`SMTP: SMTP_URL (${new URL(smtpUrl).host})`);
    } else {
      catcher = await startMailCatcher(options.mailDir);
      const started = catcher;
      stops.push(() => started.close());
      smtpUrl = catcher.url;
      description.push(`SMTP: in-process catcher on ${new URL(smtpUrl).host}, writing .eml files to ${options.mailDir}`);
    }
    return { databaseUrl: url, queue, smtpUrl, catcher, description, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
