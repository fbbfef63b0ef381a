// Rejections get a closed code (what reports count by, instead of matching the reason text) and the
// event's own reportedAt (reports place a rejection by the cutoff it was reported under). Investigator
// addresses become case-insensitive: one person, one row.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

const CODES = ['schema', 'unknownEventType', 'invalidDate', 'occurredAfterReported', 'inconsistentFields', 'payloadMismatch', 'unclassified'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('rejected_events').addColumn('code', 'text').addColumn('reported_at', 'timestamptz').execute();
  // The only conflict stored here is a payload mismatch; earlier invalid events cannot be coded
  // without reading their text, so they stay visibly unclassified.
  await sql`update rejected_events set code = case when kind = 'conflict' then 'payloadMismatch' else 'unclassified' end`.execute(db);
  await sql`update rejected_events set reported_at = (payload->>'reportedAt')::timestamptz where kind = 'conflict' and payload ? 'reportedAt'`.execute(db);
  await sql`alter table rejected_events alter column code set not null`.execute(db);
  await sql`alter table rejected_events add constraint rejected_events_code_check check (code in (${sql.join(CODES.map((c) => sql.lit(c)))}))`.execute(db);

  // Merge investigators whose addresses differ only in case into the oldest row (subscriptions
  // united), then keep addresses lower-cased under a unique index.
  await sql`
    with ranked as (
      select id, first_value(id) over (partition by lower(email) order by id) as keep from investigators
    )
    insert into subscriptions (investigator_id, population, endpoint)
    select r.keep, s.population, s.endpoint from subscriptions s join ranked r on r.id = s.investigator_id where r.id <> r.keep
    on conflict do nothing`.execute(db);
  await sql`
    delete from investigators i using investigators k
    where lower(i.email) = lower(k.email) and k.id < i.id`.execute(db);
  await sql`update investigators set email = lower(email) where email <> lower(email)`.execute(db);
  await sql`create unique index investigators_email_lower_key on investigators (lower(email))`.execute(db);
  await sql`alter table investigators add constraint investigators_email_lower_check check (email = lower(email))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table investigators drop constraint investigators_email_lower_check`.execute(db);
  await sql`drop index investigators_email_lower_key`.execute(db);
  await db.schema.alterTable('rejected_events').dropColumn('code').dropColumn('reported_at').execute();
}
