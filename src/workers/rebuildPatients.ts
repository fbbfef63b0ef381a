// Rebuilds the derived state of the patients a batch touched, each from ALL of that patient's stored
// events, inside the caller's transaction (which holds those patients' advisory locks). Recomputing
// from the set, rather than patching the previous state with the new events, is what makes arrival
// order irrelevant: an event before its registration, or a retraction before its target, simply
// waits in the log. A patient with several events in the batch is rebuilt once.
import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import { toStoredEvent } from '../contract/index.ts';
import type { FollowUpEvent, RegistrationEvent, StoredEvent } from '../contract/index.ts';
import { deriveTimeline } from '../timeline/index.ts';
import type { Timeline } from '../timeline/index.ts';
import type { Database } from '../db/database.ts';
import type { Json, JsonDocument, JsonObject, TimelineTable } from '../db/pipelineTables.ts';
import type { CachedPatient, PatientEventCache } from './patientEventCache.ts';

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

/**
 * The columns whose values differ, each with its value before and after: what a `timeline_changed`
 * audit row records. Only the changed columns, because the row is about what changed, and the full
 * before and after states were most of the bytes a batch sent and PostgreSQL stored (about 700 of the
 * 1,200 bytes per event; issue 12). Null when nothing differs.
 */
export function timelineChange(before: TimelineState, after: TimelineState): { before: JsonObject; after: JsonObject } | null {
  const was: JsonObject = {};
  const is: JsonObject = {};
  let changed = false;
  for (const column of Object.keys(after) as (keyof TimelineState)[]) {
    const a = before[column];
    const b = after[column];
    const same = column === 'conflicts' ? JSON.stringify(a) === JSON.stringify(b) : a === b;
    if (same) continue;
    was[column] = a;
    is[column] = b;
    changed = true;
  }
  return changed ? { before: was, after: is } : null;
}

interface PatientState {
  patientId: string;
  /** Every stored event of the patient (loaded, or remembered plus the ones just inserted). */
  events: readonly StoredEvent[];
  /** What the worker may remember of this patient once the transaction committed. */
  memory: CachedPatient;
  before: TimelineState | null;
  registrationEventId: string | null;
  baseline: JsonDocument | null;
}

type PatientRow = TimelineState & {
  patient_id: string; events: FollowUpEvent[] | null; stored_count: number; id_hash: string;
  has_timeline: boolean; registration_event_id: string | null; baseline: JsonDocument | null;
};

/** An event this transaction inserted, with PostgreSQL's hashtext(event_id). */
export interface InsertedEvent {
  event: FollowUpEvent;
  idHash: number;
}

/**
 * One round trip for the whole batch: each patient's stored events, previous timeline and current
 * baseline. A patient the worker remembers (`memory`) is sent with the count and id-hash sum its
 * stored events must have if they are the remembered ones plus those just inserted; then its
 * payloads are not sent back (events null) and the remembered ones are used. The count and sum are
 * PostgreSQL's, kept by triggers on the event log (migration 2026_12_01_020), read under the lock.
 */
async function loadPatients(trx: Kysely<Database>, byPatient: ReadonlyMap<string, readonly InsertedEvent[]>, memory: PatientEventCache | undefined): Promise<PatientState[]> {
  const patientIds = [...byPatient.keys()];
  const remembered = patientIds.map((id) => memory?.get(id));
  const expected = patientIds.map((id, i) => {
    const known = remembered[i];
    const inserted = byPatient.get(id) ?? [];
    return known === undefined
      ? { count: -1, idHash: 0 }
      : { count: known.count + inserted.length, idHash: inserted.reduce((sum, e) => sum + e.idHash, known.idHash) };
  });
  const { rows } = await sql<PatientRow>`
    select
      ids.patient_id,
      coalesce(stored.event_count, 0) as stored_count,
      coalesce(stored.id_hash, 0)::text as id_hash,
      case when coalesce(stored.event_count, 0) = ids.expected_count and coalesce(stored.id_hash, 0) = ids.expected_hash then null
        else (select coalesce(json_agg(e.payload), '[]'::json) from follow_up_events e where e.patient_id = ids.patient_id) end as events,
      t.patient_id is not null as has_timeline,
      t.registered, t.ptr_date, t.last_known_on, t.os_days, t.os_status, t.pfs_days, t.pfs_status,
      t.lrr_days, t.lrr_status, t.dp_days, t.dp_status, t.conflicts, t.event_count,
      p.registration_event_id, p.baseline
    from unnest(${patientIds}::text[], ${expected.map((e) => e.count)}::int4[], ${expected.map((e) => String(e.idHash))}::int8[])
      as ids(patient_id, expected_count, expected_hash)
    left join patient_event_counts stored on stored.patient_id = ids.patient_id
    left join timelines t on t.patient_id = ids.patient_id
    left join patients p on p.patient_id = ids.patient_id`.execute(trx);
  const rememberedById = new Map(patientIds.map((id, i) => [id, remembered[i]]));
  return rows.map((row) => {
    const events = storedEvents(row, rememberedById.get(row.patient_id), byPatient.get(row.patient_id) ?? []);
    return {
      patientId: row.patient_id,
      events,
      memory: { count: row.stored_count, idHash: Number(row.id_hash), events },
      before: row.has_timeline ? {
        registered: row.registered, ptr_date: row.ptr_date, last_known_on: row.last_known_on,
        os_days: row.os_days, os_status: row.os_status, pfs_days: row.pfs_days, pfs_status: row.pfs_status,
        lrr_days: row.lrr_days, lrr_status: row.lrr_status, dp_days: row.dp_days, dp_status: row.dp_status,
        conflicts: row.conflicts, event_count: row.event_count,
      } : null,
      registrationEventId: row.registration_event_id,
      baseline: row.baseline,
    };
  });
}

/** The patient's stored events: as loaded, or (payloads not sent) the remembered ones plus those just inserted. */
function storedEvents(row: PatientRow, known: CachedPatient | undefined, inserted: readonly InsertedEvent[]): readonly StoredEvent[] {
  // Payloads were validated before they were stored; the log holds nothing else.
  if (row.events !== null) return row.events.map(toStoredEvent);
  if (known === undefined) throw new Error('a patient\'s events were neither loaded nor remembered');
  return [...known.events, ...inserted.map((e) => toStoredEvent(e.event))];
}

interface AuditRow {
  action: 'timeline_changed' | 'baseline_set' | 'baseline_corrected';
  patientId: string;
  eventId: string;
  reason: string;
  before: Json;
  after: Json;
}

/** What one patient's rebuild writes. */
interface PatientWrite {
  timeline: TimelineState;
  /** The current baseline changed: the new row, or null when no registration counts any more. */
  patient?: { centre: string | null; ptr_date: string; registration_event_id: string; baseline: Timeline['baseline'] } | null;
  audit: AuditRow[];
  result: RebuildResult;
}

function rebuildOne(state: PatientState, stored: readonly FollowUpEvent[], now: Date): PatientWrite {
  // Payloads were validated before they were stored; the log holds nothing else.
  const { timeline } = deriveTimeline(state.events, now);
  const after = stateOf(timeline, state.events.length);
  const { before, patientId } = state;
  const trigger = stored[0];
  // The `event_stored` rows were written with the events (applyEvent.ts's lockAndInsert).
  const audit: AuditRow[] = [];
  // A patient's first timeline is recorded whole (before: null); later ones by their changed columns.
  const change = before === null ? { before: null, after } : timelineChange(before, after);
  const timelineChanged = change !== null;
  if (change !== null) {
    const why = stored.length === 1 ? `${trigger.type} event` : `${stored.length} events (${stored.map((e) => e.type).join(', ')})`;
    audit.push({ action: 'timeline_changed', patientId, eventId: trigger.eventId, reason: `rebuilt after ${why}`, before: change.before, after: change.after });
  }
  const write: PatientWrite = { timeline: after, audit, result: { registered: timeline !== null, timelineChanged } };
  const previous = state.registrationEventId;
  if (timeline === null) {
    if (previous !== null) {
      write.patient = null;
      audit.push({ action: 'baseline_corrected', patientId, eventId: trigger.eventId, reason: 'no registration counts any more (retracted)', before: state.baseline, after: null });
    }
  } else if (timeline.registrationEventId !== previous) {
    write.patient = {
      centre: timeline.centre, ptr_date: timeline.ptrDate, registration_event_id: timeline.registrationEventId, baseline: timeline.baseline,
    };
    const baseline = timeline.baseline as unknown as Json;
    audit.push(previous === null
      ? { action: 'baseline_set', patientId, eventId: trigger.eventId, reason: `registration ${timeline.registrationEventId}`, before: null, after: baseline }
      : {
        action: 'baseline_corrected', patientId, eventId: trigger.eventId,
        reason: `registration ${timeline.registrationEventId} replaces ${previous}`, before: state.baseline, after: baseline,
      });
  }
  return write;
}

/**
 * Rebuilds every patient of `stored` (the events this transaction just inserted) and writes the
 * baseline history, baselines, timelines and audit rows in ONE statement of data-modifying CTEs, so the cost is one round trip however many patients the batch touched.
 */
export interface Rebuilt {
  results: Map<string, RebuildResult>;
  /** For the worker's memory, once (and only if) the transaction committed. */
  remember: Map<string, CachedPatient>;
}

export async function rebuildPatients(trx: Kysely<Database>, inserted: readonly InsertedEvent[], now: Date, memory?: PatientEventCache): Promise<Rebuilt> {
  const byPatient = new Map<string, InsertedEvent[]>();
  for (const entry of inserted) {
    const list = byPatient.get(entry.event.patientId);
    if (list === undefined) byPatient.set(entry.event.patientId, [entry]);
    else list.push(entry);
  }
  const stored = inserted.map((e) => e.event);
  const states = await loadPatients(trx, byPatient, memory);
  const writes = states.map((state) => ({
    patientId: state.patientId, memory: state.memory, ...rebuildOne(state, (byPatient.get(state.patientId) ?? []).map((e) => e.event), now),
  }));

  const history = stored.filter((event): event is RegistrationEvent => event.type === 'registration').map((event) => ({
    event_id: event.eventId, patient_id: event.patientId, ptr_date: event.occurredOn, centre: event.centre ?? null,
    baseline: event.baseline, reported_at: event.reportedAt,
  }));
  // The instant once as text, not a Date per row for JSON.stringify to format (two per timeline).
  const at = now.toISOString();
  const baselines = writes.flatMap((w) => (w.patient ? [{ patient_id: w.patientId, ...w.patient, updated_at: at }] : []));
  const unregistered = writes.filter((w) => w.patient === null).map((w) => w.patientId);
  const timelines = writes.map((w) => ({ patient_id: w.patientId, ...w.timeline, as_of: at, updated_at: at }));
  const audit = writes.flatMap((w) => w.audit).map((a) => ({
    action: a.action, patient_id: a.patientId, event_id: a.eventId, reason: a.reason, before: a.before, after: a.after,
  }));
  // Each row set travels as one JSON parameter, read back with the table's own row type.
  await sql`
    with history as (
      insert into baseline_history (event_id, patient_id, ptr_date, centre, baseline, reported_at)
      select event_id, patient_id, ptr_date, centre, baseline, reported_at from json_populate_recordset(null::baseline_history, ${JSON.stringify(history)})
      on conflict (event_id) do nothing
    ), baseline as (
      insert into patients select * from json_populate_recordset(null::patients, ${JSON.stringify(baselines)})
      on conflict (patient_id) do update set centre = excluded.centre, ptr_date = excluded.ptr_date,
        registration_event_id = excluded.registration_event_id, baseline = excluded.baseline, updated_at = excluded.updated_at
    ), retracted as (
      delete from patients where patient_id = any(${unregistered}::text[])
    ), timeline as (
      insert into timelines select * from json_populate_recordset(null::timelines, ${JSON.stringify(timelines)})
      on conflict (patient_id) do update set registered = excluded.registered, ptr_date = excluded.ptr_date,
        last_known_on = excluded.last_known_on, os_days = excluded.os_days, os_status = excluded.os_status,
        pfs_days = excluded.pfs_days, pfs_status = excluded.pfs_status, lrr_days = excluded.lrr_days, lrr_status = excluded.lrr_status,
        dp_days = excluded.dp_days, dp_status = excluded.dp_status, conflicts = excluded.conflicts, event_count = excluded.event_count,
        as_of = excluded.as_of, updated_at = excluded.updated_at
    )
    insert into audit_log (action, patient_id, event_id, reason, before, after)
    select action, patient_id, event_id, reason, before, after from json_populate_recordset(null::audit_log, ${JSON.stringify(audit)})`.execute(trx);
  return { results: new Map(writes.map((w) => [w.patientId, w.result])), remember: new Map(writes.map((w) => [w.patientId, w.memory])) };
}
