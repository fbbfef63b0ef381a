// Applying delivered events, exactly once: validate, then in ONE transaction under the patients'
// advisory locks store them (idempotently, by eventId) and rebuild each touched patient's timeline
// from all of that patient's stored events. Either all happen or none, so a crash or a redelivery at
// any point can neither lose an event nor apply it twice, and concurrent workers serialise per
// patient. A batch of events costs a handful of statements, not a handful per event.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { payloadHash, validateEvent } from '../contract/index.ts';
import type { FollowUpEvent } from '../contract/index.ts';
import type { Database } from '../db/database.ts';
import type { RejectionCode } from '../contract/rejectionCode.ts';
import { conflictReason } from './conflictReason.ts';
import { recordRejection } from './recordRejection.ts';
import { rebuildPatients } from './rebuildPatients.ts';
import type { CachedPatient, PatientEventCache } from './patientEventCache.ts';
import type { RebuildResult } from './rebuildPatients.ts';

/** Namespace (first key) of the pipeline's two-key advisory locks, so other layers' locks never collide. */
export const PATIENT_LOCK_NAMESPACE = 0x43570001;

export type ApplyOutcome =
  | { kind: 'applied'; event: FollowUpEvent; rebuild: RebuildResult }
  | { kind: 'duplicate'; event: FollowUpEvent }
  | { kind: 'invalid'; reason: string; eventId: string | null }
  | { kind: 'conflict'; reason: string; event: FollowUpEvent };

/** One event on its own (tools, tests); the worker applies them in batches with applyEvents. */
export async function applyEvent(db: Kysely<Database>, raw: unknown, now: Date = new Date()): Promise<ApplyOutcome> {
  const [outcome] = await applyEvents(db, [raw], now);
  return outcome;
}

interface Valid {
  index: number;
  raw: unknown;
  event: FollowUpEvent;
  hash: string;
}

/**
 * Applies the events in one transaction; returns one outcome per event, in order. `memory` (the
 * worker's) spares reloading the stored events of patients rebuilt recently; see patientEventCache.ts.
 */
export async function applyEvents(db: Kysely<Database>, raws: readonly unknown[], now: Date = new Date(), memory?: PatientEventCache): Promise<ApplyOutcome[]> {
  const outcomes: ApplyOutcome[] = new Array<ApplyOutcome>(raws.length);
  const valid: Valid[] = [];
  // An eventId twice in one batch: the later copy waits for the next transaction, where it meets
  // the stored first copy (a redelivery or a conflict, as if it had come later).
  const later: Valid[] = [];
  const seen = new Set<string>();
  const invalid: { index: number; raw: unknown; reason: string; code: RejectionCode; eventId: string | null; patientId: string | null }[] = [];
  raws.forEach((raw, index) => {
    const validation = validateEvent(raw);
    if (!validation.ok) {
      const eventId = validation.eventId ?? null;
      invalid.push({ index, raw, reason: validation.reason, code: validation.code, eventId, patientId: validation.patientId ?? null });
      outcomes[index] = { kind: 'invalid', reason: validation.reason, eventId };
      return;
    }
    const event = validation.event;
    const entry = { index, raw, event, hash: payloadHash(event) };
    if (seen.has(event.eventId)) later.push(entry);
    else { seen.add(event.eventId); valid.push(entry); }
  });

  let remember: Map<string, CachedPatient> | null = null;
  await db.transaction().execute(async (trx) => {
    for (const rejection of invalid) await recordRejection(trx, { kind: 'invalid', ...rejection });
    if (valid.length === 0) return;
    const inserted = await lockAndInsert(trx, valid);
    const stored = valid.filter((v) => inserted.has(v.event.eventId));
    const notStored = valid.filter((v) => !inserted.has(v.event.eventId));
    if (notStored.length > 0) await classifyAlreadyStored(trx, notStored, outcomes);
    if (stored.length === 0) return;
    const rebuilt = await rebuildPatients(trx, stored.map((v) => ({ event: v.event, idHash: inserted.get(v.event.eventId) ?? 0 })), now, memory);
    remember = rebuilt.remember;
    for (const v of stored) {
      const rebuild = rebuilt.results.get(v.event.patientId);
      if (rebuild === undefined) throw new Error('a stored event\'s patient was not rebuilt');
      outcomes[v.index] = { kind: 'applied', event: v.event, rebuild };
    }
  });

  // Committed: what the rebuilds read may now be remembered.
  if (memory && remember !== null) for (const [patientId, entry] of remember as Map<string, CachedPatient>) memory.set(patientId, entry);
  if (later.length > 0) {
    const again = await applyEvents(db, later.map((v) => v.raw), now, memory);
    later.forEach((v, i) => { outcomes[v.index] = again[i]; });
  }
  return outcomes;
}

/**
 * One statement: take the patients' transaction-scoped advisory locks, then insert the events and an
 * `event_stored` audit row for each (written from the inserted rows, so they are not sent twice); an
 * eventId already stored is skipped. Returns the eventIds inserted.
 *
 * The locks are taken in ascending key order (the aggregate consumes the sorted keys), so two
 * batches sharing patients, in this process or another, queue behind each other instead of
 * deadlocking; the insert reads the aggregate's one row, so it runs after every lock is held.
 * Returns the eventIds inserted, each with PostgreSQL's hashtext of it (see patientEventCache.ts).
 */
async function lockAndInsert(trx: Kysely<Database>, valid: readonly Valid[]): Promise<Map<string, number>> {
  const patientIds = [...new Set(valid.map((v) => v.event.patientId))];
  // The rows travel as one JSON parameter, read back with the table's own row type.
  const rows = valid.map(({ event, hash }) => ({
    event_id: event.eventId, patient_id: event.patientId, type: event.type, occurred_on: event.occurredOn,
    reported_at: event.reportedAt, centre: event.centre ?? null, payload: event, payload_hash: hash,
  }));
  const inserted = await sql<{ event_id: string; id_hash: number }>`
    with locked as (
      select count(pg_advisory_xact_lock(${PATIENT_LOCK_NAMESPACE}::int4, keys.key)) as n
      from (select distinct hashtext(id) as key from unnest(${patientIds}::text[]) as ids(id) order by key) as keys
    ), stored as (
      insert into follow_up_events (event_id, patient_id, type, occurred_on, reported_at, centre, payload, payload_hash)
      select e.event_id, e.patient_id, e.type, e.occurred_on, e.reported_at, e.centre, e.payload, e.payload_hash
      from locked, json_populate_recordset(null::follow_up_events, ${JSON.stringify(rows)}) as e
      where locked.n >= 0
      on conflict (event_id) do nothing
      returning event_id, patient_id, type
    ), audited as (
      insert into audit_log (action, patient_id, event_id, reason)
      select 'event_stored', patient_id, event_id, type || ' event stored' from stored
    )
    select event_id, hashtext(event_id) as id_hash from stored`.execute(trx);
  return new Map(inserted.rows.map((row) => [row.event_id, row.id_hash]));
}

/** The eventId is taken: the same payload is a redelivery (already applied), another one a conflict. */
async function classifyAlreadyStored(trx: Kysely<Database>, notStored: readonly Valid[], outcomes: ApplyOutcome[]): Promise<void> {
  const firsts = await trx.selectFrom('follow_up_events')
    .select(['event_id', 'payload_hash'])
    .where('event_id', 'in', notStored.map((v) => v.event.eventId))
    .execute();
  const firstHash = new Map(firsts.map((row) => [row.event_id, row.payload_hash]));
  for (const { index, raw, event, hash } of notStored) {
    const existing = firstHash.get(event.eventId);
    if (existing === undefined) throw new Error(`eventId ${event.eventId} was neither inserted nor found`);
    if (existing === hash) {
      outcomes[index] = { kind: 'duplicate', event };
      continue;
    }
    const reason = conflictReason(event.eventId);
    await recordRejection(trx, {
      kind: 'conflict', reason, code: 'payloadMismatch', raw, eventId: event.eventId, patientId: event.patientId, payloadHash: hash, existingPayloadHash: existing,
    });
    outcomes[index] = { kind: 'conflict', reason, event };
  }
}
