// Signals (issue 10): a signal is opened by an effect alert or a monitoring state change and lives
// across looks (open -> acknowledged -> closed, reopened by new evidence); every action on it is a row
// of signal_events, which is append-only. Alert mail becomes one digest per investigator per look:
// an outbox row is keyed by its run (run_id) instead of one alert.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('signals')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('population', 'text', (c) => c.notNull())
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull().check(sql`rule in ('boundary', 'departure', 'drift', 'state')`))
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('open', 'acknowledged', 'closed')`))
    .addColumn('opened_at_cutoff', 'date', (c) => c.notNull())
    .addColumn('last_cutoff', 'date', (c) => c.notNull())
    // The evidence of the latest look that changed the signal (sentence, estimate, holds).
    .addColumn('evidence', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // One signal per estimand and rule: it lives across looks.
    .addUniqueConstraint('signals_estimand_rule_key', ['population', 'endpoint', 'rule'])
    .execute();
  await db.schema.createIndex('signals_state_idx').on('signals').column('state').execute();

  await db.schema
    .createTable('signal_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('signal_id', 'bigint', (c) => c.notNull().references('signals.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('by', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull().check(sql`action in ('opened', 'updated', 'acknowledged', 'closed', 'reopened', 'reminded')`))
    .addColumn('comment', 'text', (c) => c.notNull())
    // The look that caused it (system actions); null for a person's action.
    .addColumn('run_id', 'bigint')
    .addColumn('cutoff', 'date')
    .execute();
  await db.schema.createIndex('signal_events_signal_idx').on('signal_events').columns(['signal_id', 'id']).execute();
  await sql`create function signal_events_append_only() returns trigger language plpgsql as $$
    begin raise exception 'signal_events is append-only (% refused)', tg_op; end $$`.execute(db);
  await sql`create trigger signal_events_append_only before update or delete or truncate on signal_events
    for each statement execute function signal_events_append_only()`.execute(db);

  await db.schema.alterTable('mail_outbox').alterColumn('alert_id', (c) => c.dropNotNull()).execute();
  await db.schema.alterTable('mail_outbox')
    .addColumn('run_id', 'bigint', (c) => c.references('analysis_runs.id').onDelete('cascade'))
    .execute();
  await db.schema.alterTable('mail_outbox')
    .addCheckConstraint('mail_outbox_alert_or_run_check', sql`alert_id is not null or run_id is not null`).execute();
  // One digest per investigator per look.
  await db.schema.createIndex('mail_outbox_digest_key').on('mail_outbox').columns(['run_id', 'recipient']).unique()
    .where(sql.ref('alert_id'), 'is', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('mail_outbox_digest_key').ifExists().execute();
  await db.deleteFrom('mail_outbox' as never).where(sql.ref('alert_id'), 'is', null).execute();
  await db.schema.alterTable('mail_outbox').dropConstraint('mail_outbox_alert_or_run_check').execute();
  await db.schema.alterTable('mail_outbox').dropColumn('run_id').execute();
  await db.schema.alterTable('mail_outbox').alterColumn('alert_id', (c) => c.setNotNull()).execute();
  await db.schema.dropTable('signal_events').ifExists().execute();
  await sql`drop function if exists signal_events_append_only()`.execute(db);
  await db.schema.dropTable('signals').ifExists().execute();
}
