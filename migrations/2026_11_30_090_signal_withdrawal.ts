// Voiding a look withdraws what it did to the signals (issue 10): a signal the look opened goes to
// the state `withdrawn`; one it reopened or updated goes back to its state and evidence before that
// look. Each audit row now keeps the state after it and, for a look's rows, the evidence it brought,
// so a withdrawal can restore the earlier evidence (rows written before this have neither: null).
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table signals drop constraint signals_state_check`.execute(db);
  await sql`alter table signals add constraint signals_state_check check (state in ('open', 'acknowledged', 'closed', 'withdrawn'))`.execute(db);
  await sql`alter table signal_events drop constraint signal_events_action_check`.execute(db);
  await sql`alter table signal_events add constraint signal_events_action_check
    check (action in ('opened', 'updated', 'acknowledged', 'closed', 'reopened', 'reminded', 'withdrawn'))`.execute(db);
  await db.schema.alterTable('signal_events')
    .addColumn('state', 'text', (c) => c.check(sql`state in ('open', 'acknowledged', 'closed', 'withdrawn')`))
    .addColumn('evidence', 'jsonb')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The audit trail is append-only: rows of the new kind cannot be removed, so a database that has
  // any cannot go down (the constraint below would fail, loudly, in the migration's transaction).
  await db.schema.alterTable('signal_events').dropColumn('state').dropColumn('evidence').execute();
  await sql`alter table signal_events drop constraint signal_events_action_check`.execute(db);
  await sql`alter table signal_events add constraint signal_events_action_check
    check (action in ('opened', 'updated', 'acknowledged', 'closed', 'reopened', 'reminded'))`.execute(db);
  await sql`alter table signals drop constraint signals_state_check`.execute(db);
  await sql`alter table signals add constraint signals_state_check check (state in ('open', 'acknowledged', 'closed'))`.execute(db);
}
