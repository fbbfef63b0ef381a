// Monitoring plan v2: the plan's append-only amendment history, the plan hash of every run, one row per
// primary estimand and look with its sequential state, and 'state' alerts (a monitoring state changed).
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('plan_amendments')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('version', 'text', (c) => c.notNull().unique())
    .addColumn('plan_hash', 'text', (c) => c.notNull())
    .addColumn('document', 'jsonb', (c) => c.notNull())
    // Looks at cutoffs on or after this date are judged under this plan; earlier looks never are.
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('amended_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Append-only: the history of a monitoring plan is evidence; nothing may rewrite or remove it.
  await sql`create function plan_amendments_append_only() returns trigger language plpgsql as $$
    begin raise exception 'plan_amendments is append-only (% refused)', tg_op; end $$`.execute(db);
  await sql`create trigger plan_amendments_append_only before update or delete or truncate on plan_amendments
    for each statement execute function plan_amendments_append_only()`.execute(db);

  await db.schema.alterTable('analysis_runs').addColumn('plan_hash', 'text').execute();

  await db.schema
    .createTable('monitoring_looks')
    .addColumn('run_id', 'bigint', (c) => c.notNull().references('analysis_runs.id').onDelete('cascade'))
    .addColumn('population', 'text', (c) => c.notNull())
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('plan_version', 'text', (c) => c.notNull())
    .addColumn('family', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('accruing', 'monitoring', 'futility', 'crossed', 'complete')`))
    .addColumn('side', 'text', (c) => c.check(sql`side in ('benefit', 'harm')`))
    .addColumn('events', 'integer', (c) => c.notNull())
    .addColumn('max_events', 'integer')
    .addColumn('information_fraction', 'double precision')
    .addColumn('alpha', 'double precision', (c) => c.notNull())
    .addColumn('alpha_spent', 'double precision', (c) => c.notNull())
    .addColumn('boundary_z', 'double precision')
    .addColumn('boundary_hr_lower', 'double precision')
    .addColumn('boundary_hr_upper', 'double precision')
    .addColumn('coef', 'double precision')
    .addColumn('se', 'double precision')
    .addColumn('hr', 'double precision')
    .addColumn('z', 'double precision')
    .addColumn('repeated_lower', 'double precision')
    .addColumn('repeated_upper', 'double precision')
    .addColumn('conditional_power_trend', 'double precision')
    .addColumn('conditional_power_design', 'double precision')
    .addColumn('statement', 'text')
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('monitoring_looks_pkey', ['run_id', 'population', 'endpoint'])
    .execute();

  await sql`alter table alerts drop constraint alerts_rule_check`.execute(db);
  await sql`alter table alerts add constraint alerts_rule_check check (rule in ('boundary', 'departure', 'drift', 'validity', 'state'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from alerts where rule = 'state'`.execute(db);
  await sql`alter table alerts drop constraint alerts_rule_check`.execute(db);
  await sql`alter table alerts add constraint alerts_rule_check check (rule in ('boundary', 'departure', 'drift', 'validity'))`.execute(db);
  await db.schema.dropTable('monitoring_looks').ifExists().execute();
  await db.schema.alterTable('analysis_runs').dropColumn('plan_hash').execute();
  await db.schema.dropTable('plan_amendments').ifExists().execute();
  await sql`drop function if exists plan_amendments_append_only()`.execute(db);
}
