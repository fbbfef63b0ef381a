// Each patient's stored-event count and sum of hashtext(event_id), kept by statement triggers on
// follow_up_events. A rebuild compares them with what the worker remembers of the patient
// (src/workers/patientEventCache.ts); counting them from the event log instead visited each of the
// patient's ~20 events on its own heap page: about 11 of a batch's 33 ms of PostgreSQL time (issue 12).
//
// Triggers rather than the worker's own writes, so the figures follow every change to the log: the
// pipeline's inserts, an operator's DELETE or UPDATE, a TRUNCATE. Statement triggers with transition
// tables cost one grouped upsert per statement, not one per row; patients are upserted in id order,
// so concurrent statements lock their rows in the same order and never deadlock on them.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table patient_event_counts (
    patient_id text primary key,
    event_count int4 not null,
    id_hash int8 not null
  ) with (fillfactor = 70)`.execute(db);
  await sql`alter table timelines set (fillfactor = 70)`.execute(db);
  await sql`insert into patient_event_counts (patient_id, event_count, id_hash)
    select patient_id, count(*), sum(hashtext(event_id)) from follow_up_events group by patient_id`.execute(db);

  // One function for the three row-changing statements: an UPDATE is its old rows removed and its new
  // rows added. A patient left with no event loses its row (the rebuild reads a missing row as zero).
  await sql`create function patient_event_counts_follow() returns trigger language plpgsql as $$
    begin
      if tg_op in ('DELETE', 'UPDATE') then
        update patient_event_counts as c set event_count = c.event_count - r.n, id_hash = c.id_hash - r.h
        from (select patient_id, count(*)::int4 as n, sum(hashtext(event_id)) as h from removed group by patient_id order by patient_id) as r
        where c.patient_id = r.patient_id;
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        insert into patient_event_counts as c (patient_id, event_count, id_hash)
        select patient_id, count(*), sum(hashtext(event_id)) from added group by patient_id order by patient_id
        on conflict (patient_id) do update set event_count = c.event_count + excluded.event_count, id_hash = c.id_hash + excluded.id_hash;
      end if;
      if tg_op in ('DELETE', 'UPDATE') then
        delete from patient_event_counts as c where c.event_count = 0 and c.patient_id in (select patient_id from removed);
      end if;
      return null;
    end $$`.execute(db);
  await sql`create function patient_event_counts_clear() returns trigger language plpgsql as $$
    begin
      truncate patient_event_counts;
      return null;
    end $$`.execute(db);

  await sql`create trigger patient_event_counts_added after insert on follow_up_events
    referencing new table as added for each statement execute function patient_event_counts_follow()`.execute(db);
  await sql`create trigger patient_event_counts_removed after delete on follow_up_events
    referencing old table as removed for each statement execute function patient_event_counts_follow()`.execute(db);
  await sql`create trigger patient_event_counts_changed after update on follow_up_events
    referencing old table as removed new table as added for each statement execute function patient_event_counts_follow()`.execute(db);
  await sql`create trigger patient_event_counts_cleared after truncate on follow_up_events
    for each statement execute function patient_event_counts_clear()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of ['added', 'removed', 'changed', 'cleared']) {
    await sql`drop trigger if exists ${sql.raw(`patient_event_counts_${name}`)} on follow_up_events`.execute(db);
  }
  await sql`drop function if exists patient_event_counts_follow()`.execute(db);
  await sql`drop function if exists patient_event_counts_clear()`.execute(db);
  await sql`drop table if exists patient_event_counts`.execute(db);
}
