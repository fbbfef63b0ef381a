// Runs once before all test files. Integration tests need the real services: fail fast with a clear
// message when one is down instead of timing out test by test. Then builds one migrated template
// database per run, from which test/helpers/db.ts clones a fresh database per test file (~60 ms).
import net from 'node:net';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { connect } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Server URL (any database) the test databases live on. */
    testPostgresUrl: string;
    /** The migrated template every test database is cloned from. */
    testTemplateDatabase: string;
    /** Prefix of this run's test database names (teardown drops leftovers). */
    testDatabasePrefix: string;
  }
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

function withDatabase(url: URL, name: string): string {
  const copy = new URL(url);
  copy.pathname = `/${name}`;
  return copy.toString();
}

async function admin<T>(serverUrl: URL, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const pgUrl = new URL(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const redis = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const [pgUp, redisUp] = await Promise.all([
    reachable(pgUrl.hostname, Number(pgUrl.port || 5432)),
    reachable(redis.hostname, Number(redis.port || 6379)),
  ]);
  if (!pgUp) throw new Error(`PostgreSQL is not reachable at ${pgUrl.host}; start it (see .ci/run)`);
  if (!redisUp) throw new Error(`Redis is not reachable at ${redis.host}; start it (see .ci/run)`);

  // Unique per run so parallel runs (other helpers, CI) never share or drop each other's databases.
  const runId = `${Date.now().toString(36)}_${process.pid}`;
  const template = `cwtpl_${runId}`;
  const prefix = `cwtest_${runId}_`;
  await admin(pgUrl, (client) => client.query(`create database ${client.escapeIdentifier(template)}`));
  const db = connect(withDatabase(pgUrl, template), { poolSize: 1 });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    await admin(pgUrl, (client) => client.query(`drop database if exists ${client.escapeIdentifier(template)} with (force)`));
    throw error;
  }
  // No connection may remain on a template while it is being cloned.
  await db.destroy();
  project.provide('testPostgresUrl', pgUrl.toString());
  project.provide('testTemplateDatabase', template);
  project.provide('testDatabasePrefix', prefix);

  return async () => {
    await admin(pgUrl, async (client) => {
      const leftovers = await client.query<{ datname: string }>(
        'select datname from pg_database where starts_with(datname, $1) or datname = $2', [prefix, template]);
      for (const { datname } of leftovers.rows) {
        await client.query(`drop database if exists ${client.escapeIdentifier(datname)} with (force)`);
      }
    });
  };
}
