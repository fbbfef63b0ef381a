// The reanalysis' tables: runs (one per cutoff and plan version), every estimate of a run, alerts with
// their evidence, investigators and their subscriptions, and the mail outbox.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('analysis_runs')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('cutoff', 'date', (c) => c.notNull())
    .addColumn('plan_version', 'text', (c) => c.notNull())
    .addColumn('code_version', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'completed', 'failed')`))
    .addColumn('look', 'integer', (c) => c.notNull())
    .addColumn('dataset_hash', 'text')
    .addColumn('patients', 'integer')
    .addColumn('plan', 'jsonb', (c) => c.notNull())
    .addColumn('results', 'jsonb')
    .addColumn('timings', 'jsonb')
    .addColumn('error', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    // One cutoff is analysed once per plan version, however many schedulers and workers race for it.
    .addUniqueConstraint('analysis_runs_cutoff_plan_key', ['cutoff', 'plan_version'])
    .execute();

  await db.schema
    .createTable('analysis_estimates')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('run_id', 'bigint', (c) => c.notNull().references('analysis_runs.id').onDelete('cascade'))
    .addColumn('population', 'text', (c) => c.notNull())
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('term', 'text', (c) => c.notNull())
    .addColumn('is_primary', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('events', 'integer', (c) => c.notNull())
    .addColumn('events_port', 'integer')
    .addColumn('events_no_port', 'integer')
    .addColumn('coef', 'double precision')
    .addColumn('se', 'double precision')
    .addColumn('hr', 'double precision')
    .addColumn('lower', 'double precision')
    .addColumn('upper', 'double precision')
    .addColumn('z', 'double precision')
    .addColumn('p', 'double precision')
    .addColumn('information_fraction', 'double precision')
    .addColumn('boundary_z', 'double precision')
    .addColumn('repeated_lower', 'double precision')
    .addColumn('repeated_upper', 'double precision')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addUniqueConstraint('analysis_estimates_key', ['run_id', 'population', 'endpoint', 'model', 'term'])
    .execute();
  await db.schema.createIndex('analysis_estimates_estimand_idx').on('analysis_estimates')
    .columns(['population', 'endpoint', 'model', 'term']).execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'bigint', (c) => c.notNull().references('analysis_runs.id').onDelete('cascade'))
    .addColumn('population', 'text', (c) => c.notNull())
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull().check(sql`rule in ('boundary', 'departure', 'drift', 'validity')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('fired', 'held')`))
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('evidence', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('alerts_run_idx').on('alerts').column('run_id').execute();

  await db.schema
    .createTable('investigators')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('subscriptions')
    .addColumn('investigator_id', 'bigint', (c) => c.notNull().references('investigators.id').onDelete('cascade'))
    // '*' subscribes to every population (or endpoint).
    .addColumn('population', 'text', (c) => c.notNull())
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('subscriptions_pkey', ['investigator_id', 'population', 'endpoint'])
    .execute();

  await db.schema
    .createTable('mail_outbox')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('alert_id', 'text', (c) => c.notNull().references('alerts.id').onDelete('cascade'))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'sent')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .addUniqueConstraint('mail_outbox_alert_recipient_key', ['alert_id', 'recipient'])
    .execute();
  await db.schema.createIndex('mail_outbox_pending_idx').on('mail_outbox').column('status').where(sql.ref('status'), '=', 'pending').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['mail_outbox', 'subscriptions', 'investigators', 'alerts', 'analysis_estimates', 'analysis_runs']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
