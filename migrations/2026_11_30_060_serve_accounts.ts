// `cohortwatch serve`: dashboard users, their sessions, API keys for producers and scripts, and the
// access audit (logins, key and account changes) shown to admins on /audit.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    // Stored lower-cased: one account per address however it is typed at login.
    .addColumn('email', 'text', (c) => c.notNull().unique().check(sql`email = lower(email)`))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('investigator', 'data-manager', 'admin')`))
    // argon2id PHC string; never the password.
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('disabled_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('web_sessions')
    // SHA-256 of the session id: a leaked table does not hand out live sessions.
    .addColumn('sid_hash', 'text', (c) => c.primaryKey())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('web_sessions_expires_idx').on('web_sessions').column('expires_at').execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scopes', sql`text[]`, (c) => c.notNull())
    // SHA-256 of the key (keys are 256 random bits, so a fast hash is enough); the key is never stored.
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('access_audit')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('user_id', 'bigint')
    .addColumn('api_key_id', 'bigint')
    // What the action was about (an email for a failed login, a key name); free text, escaped where shown.
    .addColumn('subject', 'text')
    .addColumn('ip', 'text')
    .execute();
  await db.schema.createIndex('access_audit_at_idx').on('access_audit').column('at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['access_audit', 'api_keys', 'web_sessions', 'users']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
