// A fresh, migrated PostgreSQL database per test file, cloned from the template that
// test/globalSetup.ts builds once per run (CREATE DATABASE ... TEMPLATE takes ~60 ms).
//
//   const t = await createTestDatabase('export');   // in beforeAll
//   await t.db.selectFrom('patients')...            // Kysely<Database>
//   spawn('node', [...], { env: { DATABASE_URL: t.url } })
//   await t.drop();                                 // in afterAll (closes t.db, drops the database)
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Kysely } from 'kysely';
import { inject } from 'vitest';
import { connect } from '../../src/db/connect.ts';
import type { Database } from '../../src/db/database.ts';

export interface TestDatabase {
  db: Kysely<Database>;
  /** postgres:// URL of the database, for child processes and CLI runs. */
  url: string;
  /** Closes `db` and drops the database (forcing off any other connections). */
  drop(): Promise<void>;
}

function urlFor(name: string): string {
  const url = new URL(inject('testPostgresUrl'));
  url.pathname = `/${name}`;
  return url.toString();
}

async function onServer(work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor('postgres') });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** Clones the migrated template into a new database; `label` (a-z 0-9 _) only helps reading pg_stat_activity. */
export async function createTestDatabase(label = 'db'): Promise<TestDatabase> {
  const safeLabel = label.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 20);
  const name = `${inject('testDatabasePrefix')}${safeLabel}_${randomBytes(4).toString('hex')}`;
  const template = inject('testTemplateDatabase');
  await onServer((client) => client.query(
    `create database ${client.escapeIdentifier(name)} template ${client.escapeIdentifier(template)}`));
  const url = urlFor(name);
  const db = connect(url, { poolSize: 10, applicationName: `test-${safeLabel}` });
  return {
    db,
    url,
    async drop() {
      await db.destroy();
      await onServer((client) => client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`));
    },
  };
}

/**
 * A name for a database that does NOT exist yet (for testing `cohortwatch migrate`, which creates
 * it); drop() removes it if something created it. Leftovers are dropped at the end of the run.
 */
export function reserveTestDatabase(label = 'new'): { url: string; drop(): Promise<void> } {
  const safeLabel = label.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 20);
  const name = `${inject('testDatabasePrefix')}${safeLabel}_${randomBytes(4).toString('hex')}`;
  return {
    url: urlFor(name),
    drop: () => onServer((client) => client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`)),
  };
}
