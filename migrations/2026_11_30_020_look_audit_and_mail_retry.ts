// Looks that can be voided and retried, and alert mail that is retried until delivered or cancelled.
// - analysis_runs: a voided run stays (audit trail) but no longer counts as a look; failed attempts are
//   stored as 'failed' rows. One live (completed, not voided) run per cutoff and plan, so a voided
//   cutoff can be analysed again.
// - alerts: voided with their look.
// - mail_outbox: 'failed' (the queue's attempts ran out; retried at next_attempt_at) and 'cancelled'
//   (by an operator, with a reason).
// - ops_notices: which operator notices (OPS_EMAIL) were sent, so each condition is mailed once.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('analysis_runs')
    .addColumn('voided_at', 'timestamptz')
    .addColumn('void_reason', 'text')
    .addColumn('voided_by', 'text')
    .execute();
  await db.schema.alterTable('analysis_runs').dropConstraint('analysis_runs_cutoff_plan_key').execute();
  await db.schema.createIndex('analysis_runs_live_cutoff_plan_key').on('analysis_runs').columns(['cutoff', 'plan_version']).unique()
    .where(sql<boolean>`status = 'completed' and voided_at is null`).execute();
  await db.schema.createIndex('analysis_runs_cutoff_idx').on('analysis_runs').columns(['plan_version', 'cutoff']).execute();

  await db.schema.alterTable('alerts').addColumn('voided_at', 'timestamptz').execute();

  await db.schema.alterTable('mail_outbox').dropConstraint('mail_outbox_status_check').execute();
  await db.schema.alterTable('mail_outbox')
    .addCheckConstraint('mail_outbox_status_check', sql`status in ('pending', 'failed', 'sent', 'cancelled')`).execute();
  await db.schema.alterTable('mail_outbox')
    .addColumn('retry_rounds', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('cancel_reason', 'text')
    .execute();
  await db.schema.dropIndex('mail_outbox_pending_idx').execute();
  await db.schema.createIndex('mail_outbox_unsent_idx').on('mail_outbox').columns(['status', 'created_at'])
    .where(sql.ref('status'), 'in', sql`('pending', 'failed')`).execute();

  await db.schema.createTable('ops_notices')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ops_notices').ifExists().execute();
  await db.schema.dropIndex('mail_outbox_unsent_idx').ifExists().execute();
  await db.schema.createIndex('mail_outbox_pending_idx').on('mail_outbox').column('status').where(sql.ref('status'), '=', 'pending').execute();
  await db.schema.alterTable('mail_outbox').dropColumn('retry_rounds').dropColumn('next_attempt_at').dropColumn('cancelled_at').dropColumn('cancel_reason').execute();
  await db.schema.alterTable('mail_outbox').dropConstraint('mail_outbox_status_check').execute();
  await db.schema.alterTable('mail_outbox').addCheckConstraint('mail_outbox_status_check', sql`status in ('pending', 'sent')`).execute();
  await db.schema.alterTable('alerts').dropColumn('voided_at').execute();
  await db.schema.dropIndex('analysis_runs_cutoff_idx').ifExists().execute();
  await db.schema.dropIndex('analysis_runs_live_cutoff_plan_key').ifExists().execute();
  await db.schema.alterTable('analysis_runs').addUniqueConstraint('analysis_runs_cutoff_plan_key', ['cutoff', 'plan_version']).execute();
  await db.schema.alterTable('analysis_runs').dropColumn('voided_at').dropColumn('void_reason').dropColumn('voided_by').execute();
}
