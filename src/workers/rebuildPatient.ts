// Rebuilds one patient's derived state from ALL of that patient's stored events, inside the caller's
// transaction (which holds the patient's advisory lock). Recomputing from the set, rather than
// patching the previous state with the new event, is what makes arrival order irrelevant: an event
// before its registration, or a retraction before its target, simply waits in the log.
import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import { toStoredEvent } from '../contract/index.ts';
import type { FollowUpEvent } from '../contract/index.ts';
import { deriveTimeline } from '../timeline/index.ts';
import type { Timeline } from '../timeline/index.ts';
import type { Database } from '../db/database.ts';
import type { Json, JsonDocument, TimelineTable } from '../db/pipelineTables.ts';

export interface RebuildResult {
  registered: boolean;
  timelineChanged: boolean;
}

/** The timeline columns compared to decide whether anything changed (as_of always moves). */
type TimelineState = Omit<Selectable<TimelineTable>, 'patient_id' | 'as_of' | 'updated_at'>;

function stateOf(timeline: Timeline | null, eventCount: number): TimelineState {
  if (timeline === null) {
    return {
      registered: false, ptr_date: null, last_known_on: null, os_days: null, os_status: null, pfs_days: null, pfs_status: null,
      lrr_days: null, lrr_status: null, dp_days: null, dp_status: null, conflicts: [], event_count: eventCount,
    };
  }
  return {
    registered: true,
    ptr_date: timeline.ptrDate,
    last_known_on: timeline.lastKnownDate,
    os_days: timeline.os.days,
    os_status: timeline.os.status,
    pfs_days: timeline.pfs.days,
    pfs_status: timeline.pfs.status,
    lrr_days: timeline.lrr.days,
    lrr_status: timeline.lrr.status,
    dp_days: timeline.dp.days,
    dp_status: timeline.dp.status,
    conflicts: timeline.conflicts.map((c) => ({ eventId: c.eventId, type: c.type, occurredOn: c.occurredOn, kind: c.kind, reason: c.reason })),
    event_count: eventCount,
  };
}

const sameState = (a: TimelineState, b: TimelineState): boolean => JSON.stringify(a) === JSON.stringify(b);

interface PatientState {
  /** Every stored payload of the patient (json_agg: one JSON text, parsed once). */
  events: FollowUpEvent[];
  before: TimelineState | null;
  registrationEventId: string | null;
  baseline: JsonDocument | null;
}

/** One round trip: all the patient's payloads, the previous timeline and the current baseline. */
async function loadPatient(trx: Kysely<Database>, patientId: string): Promise<PatientState> {
  const { rows } = await sql<TimelineState & { events: FollowUpEvent[]; has_timeline: boolean; registration_event_id: string | null; baseline: JsonDocument | null }>`
    select
      (select coalesce(json_agg(e.payload), '[]'::json) from follow_up_events e where e.patient_id = ${patientId}) as events,
      t.patient_id is not null as has_timeline,
      t.registered, t.ptr_date, t.last_known_on, t.os_days, t.os_status, t.pfs_days, t.pfs_status,
      t.lrr_days, t.lrr_status, t.dp_days, t.dp_status, t.conflicts, t.event_count,
      p.registration_event_id, p.baseline
    from (select 1) as one
    left join timelines t on t.patient_id = ${patientId}
    left join patients p on p.patient_id = ${patientId}`.execute(trx);
  const row = rows[0];
  const before: TimelineState | null = row.has_timeline ? {
    registered: row.registered, ptr_date: row.ptr_date, last_known_on: row.last_known_on,
    os_days: row.os_days, os_status: row.os_status, pfs_days: row.pfs_days, pfs_status: row.pfs_status,
    lrr_days: row.lrr_days, lrr_status: row.lrr_status, dp_days: row.dp_days, dp_status: row.dp_status,
    conflicts: row.conflicts, event_count: row.event_count,
  } : null;
  return { events: row.events, before, registrationEventId: row.registration_event_id, baseline: row.baseline };
}

export async function rebuildPatient(trx: Kysely<Database>, patientId: string, now: Date, trigger: FollowUpEvent): Promise<RebuildResult> {
  const state = await loadPatient(trx, patientId);
  // Payloads were validated before they were stored; the log holds nothing else.
  const { timeline } = deriveTimeline(state.events.map(toStoredEvent), now);
  const after = stateOf(timeline, state.events.length);
  const before = state.before;

  const audit: AuditRow[] = [{ action: 'event_stored', reason: `${trigger.type} event stored`, before: null, after: null }];
  const timelineChanged = before === null || !sameState(before, after);
  if (timelineChanged) {
    audit.push({ action: 'timeline_changed', reason: `rebuilt after ${trigger.type} event`, before, after });
  }
  if (trigger.type === 'registration') {
    await trx.insertInto('baseline_history').values({
      event_id: trigger.eventId, patient_id: patientId, ptr_date: trigger.occurredOn, centre: trigger.centre ?? null,
      baseline: JSON.stringify(trigger.baseline), reported_at: trigger.reportedAt,
    }).onConflict((oc) => oc.column('event_id').doNothing()).execute();
  }
  const baselineAudit = await syncPatient(trx, patientId, timeline, state.registrationEventId, state.baseline, now);
  if (baselineAudit !== null) audit.push(baselineAudit);

  // The timeline upsert and the audit rows in one statement (a data-modifying CTE).
  const row = { ...after, conflicts: JSON.stringify(after.conflicts), as_of: now, updated_at: now };
  await trx
    .with('timeline_upsert', (db) => db.insertInto('timelines').values({ patient_id: patientId, ...row })
      .onConflict((oc) => oc.column('patient_id').doUpdateSet(row)))
    .insertInto('audit_log')
    .values(audit.map((a) => ({
      action: a.action, patient_id: patientId, event_id: trigger.eventId, reason: a.reason,
      before: a.before === null ? null : JSON.stringify(a.before), after: a.after === null ? null : JSON.stringify(a.after),
    })))
    .execute();
  return { registered: timeline !== null, timelineChanged };
}

interface AuditRow {
  action: 'event_stored' | 'timeline_changed' | 'baseline_set' | 'baseline_corrected';
  reason: string;
  before: Json;
  after: Json;
}

/** Keeps patients (the current baseline) in step with the timeline; returns the audit row if it changed. */
async function syncPatient(
  trx: Kysely<Database>, patientId: string, timeline: Timeline | null, previousRegistration: string | null,
  previousBaseline: JsonDocument | null, now: Date,
): Promise<AuditRow | null> {
  if (timeline === null) {
    if (previousRegistration === null) return null;
    await trx.deleteFrom('patients').where('patient_id', '=', patientId).execute();
    return { action: 'baseline_corrected', reason: 'no registration counts any more (retracted)', before: previousBaseline, after: null };
  }
  if (timeline.registrationEventId === previousRegistration) return null;
  const values = {
    centre: timeline.centre, ptr_date: timeline.ptrDate, registration_event_id: timeline.registrationEventId,
    baseline: JSON.stringify(timeline.baseline), updated_at: now,
  };
  await trx.insertInto('patients').values({ patient_id: patientId, ...values })
    .onConflict((oc) => oc.column('patient_id').doUpdateSet(values))
    .execute();
  const after = timeline.baseline as unknown as Json;
  return previousRegistration === null
    ? { action: 'baseline_set', reason: `registration ${timeline.registrationEventId}`, before: null, after }
    : { action: 'baseline_corrected', reason: `registration ${timeline.registrationEventId} replaces ${previousRegistration}`, before: previousBaseline, after };
}
