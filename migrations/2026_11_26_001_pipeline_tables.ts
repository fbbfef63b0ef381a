// The follow-up event pipeline's tables: the append-only event log, rejected events, patients with
// their baseline history, derived timelines and the audit log.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('follow_up_events')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('patient_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('occurred_on', 'date', (c) => c.notNull())
    .addColumn('reported_at', 'timestamptz', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('centre', 'text')
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('payload_hash', 'text', (c) => c.notNull())
    .execute();
  // Per-patient rebuilds load all of one patient's events; as-of exports filter on reported_at.
  await db.schema.createIndex('follow_up_events_patient_idx').on('follow_up_events').columns(['patient_id', 'reported_at']).execute();
  await db.schema.createIndex('follow_up_events_reported_idx').on('follow_up_events').column('reported_at').execute();

  await db.schema
    .createTable('rejected_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('invalid', 'conflict')`))
    .addColumn('event_id', 'text')
    .addColumn('patient_id', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb')
    .addColumn('raw_excerpt', 'text')
    .addColumn('payload_bytes', 'integer', (c) => c.notNull())
    .addColumn('payload_hash', 'text')
    .addColumn('existing_payload_hash', 'text')
    .addColumn('rejected_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('rejected_events_event_idx').on('rejected_events').column('event_id').execute();
  await db.schema.createIndex('rejected_events_at_idx').on('rejected_events').column('rejected_at').execute();

  await db.schema
    .createTable('patients')
    .addColumn('patient_id', 'text', (c) => c.primaryKey())
    .addColumn('centre', 'text')
    .addColumn('ptr_date', 'date', (c) => c.notNull())
    .addColumn('registration_event_id', 'text', (c) => c.notNull())
    .addColumn('baseline', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('baseline_history')
    .addColumn('event_id', 'text', (c) => c.primaryKey().references('follow_up_events.event_id'))
    .addColumn('patient_id', 'text', (c) => c.notNull())
    .addColumn('ptr_date', 'date', (c) => c.notNull())
    .addColumn('centre', 'text')
    .addColumn('baseline', 'jsonb', (c) => c.notNull())
    .addColumn('reported_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('baseline_history_patient_idx').on('baseline_history').columns(['patient_id', 'reported_at']).execute();

  await db.schema
    .createTable('timelines')
    .addColumn('patient_id', 'text', (c) => c.primaryKey())
    .addColumn('registered', 'boolean', (c) => c.notNull())
    .addColumn('ptr_date', 'date')
    .addColumn('last_known_on', 'date')
    .addColumn('os_days', 'integer')
    .addColumn('os_status', 'smallint')
    .addColumn('pfs_days', 'integer')
    .addColumn('pfs_status', 'smallint')
    .addColumn('lrr_days', 'integer')
    .addColumn('lrr_status', 'smallint')
    .addColumn('dp_days', 'integer')
    .addColumn('dp_status', 'smallint')
    .addColumn('conflicts', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('event_count', 'integer', (c) => c.notNull())
    .addColumn('as_of', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('patient_id', 'text')
    .addColumn('event_id', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .execute();
  await db.schema.createIndex('audit_log_patient_idx').on('audit_log').columns(['patient_id', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['audit_log', 'timelines', 'baseline_history', 'patients', 'rejected_events', 'follow_up_events']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
