// The pipeline's end state, minus what legitimately differs between runs (timestamps, serial ids),
// so runs with different delivery (order, duplicates, crashes, restarts) can be compared for equality.
import type { Kysely } from 'kysely';
import type { Database } from '../../../src/db/database.ts';

export type PipelineSnapshot = Awaited<ReturnType<typeof pipelineSnapshot>>;

/** appliedTwice: eventIds stored more than once according to the audit log (must be empty). */
export async function pipelineSnapshot(db: Kysely<Database>) {
  const timelines = await db.selectFrom('timelines')
    .select(['patient_id', 'registered', 'ptr_date', 'last_known_on', 'os_days', 'os_status', 'pfs_days', 'pfs_status',
      'lrr_days', 'lrr_status', 'dp_days', 'dp_status', 'conflicts', 'event_count'])
    .orderBy('patient_id').execute();
  const patients = await db.selectFrom('patients').select(['patient_id', 'centre', 'ptr_date', 'registration_event_id', 'baseline'])
    .orderBy('patient_id').execute();
  const baselineHistory = await db.selectFrom('baseline_history').select(['event_id', 'patient_id', 'ptr_date', 'baseline'])
    .orderBy('event_id').execute();
  const events = await db.selectFrom('follow_up_events').select('event_id').orderBy('event_id').execute();
  const rejected = await db.selectFrom('rejected_events').select(['kind', 'event_id', 'reason']).orderBy('kind').orderBy('event_id').orderBy('reason').execute();
  const twice = await db.selectFrom('audit_log').select('event_id').where('action', '=', 'event_stored')
    .groupBy('event_id').having((eb) => eb.fn.countAll(), '>', 1).execute();
  return {
    timelines, patients, baselineHistory, eventIds: events.map((e) => e.event_id), rejected,
    appliedTwice: twice.map((t) => t.event_id ?? ''),
  };
}
