// Applying one delivered event, exactly once: validate, then in ONE transaction under the patient's
// advisory lock store it (idempotently, by eventId) and rebuild the patient's timeline from all of
// that patient's stored events. Either both happen or neither, so a crash or a redelivery at any
// point can neither lose the event nor apply it twice, and concurrent workers serialise per patient.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { payloadHash, validateEvent } from '../contract/index.ts';
import type { FollowUpEvent } from '../contract/index.ts';
import type { Database } from '../db/database.ts';
import { recordRejection } from './recordRejection.ts';
import { rebuildPatient } from './rebuildPatient.ts';
import type { RebuildResult } from './rebuildPatient.ts';

/** Namespace (first key) of the pipeline's two-key advisory locks, so other layers' locks never collide. */
export const PATIENT_LOCK_NAMESPACE = 0x43570001;

export type ApplyOutcome =
  | { kind: 'applied'; event: FollowUpEvent; rebuild: RebuildResult }
  | { kind: 'duplicate'; event: FollowUpEvent }
  | { kind: 'invalid'; reason: string; eventId: string | null }
  | { kind: 'conflict'; reason: string; event: FollowUpEvent };

export async function applyEvent(db: Kysely<Database>, raw: unknown, now: Date = new Date()): Promise<ApplyOutcome> {
  const validation = validateEvent(raw);
  if (!validation.ok) {
    const eventId = validation.eventId ?? null;
    await recordRejection(db, { kind: 'invalid', reason: validation.reason, code: validation.code, raw, eventId, patientId: validation.patientId ?? null });
    return { kind: 'invalid', reason: validation.reason, eventId };
  }
  const event = validation.event;
  const hash = payloadHash(event);
  return db.transaction().execute(async (trx) => {
    // Lock and insert in one round trip: the CTE takes the patient's lock before the row is written.
    const inserted = await sql<{ event_id: string }>`
      with patient_lock as (select pg_advisory_xact_lock(${PATIENT_LOCK_NAMESPACE}::int4, hashtext(${event.patientId})))
      insert into follow_up_events (event_id, patient_id, type, occurred_on, reported_at, centre, payload, payload_hash)
      select ${event.eventId}, ${event.patientId}, ${event.type}, ${event.occurredOn}::date, ${event.reportedAt}::timestamptz,
             ${event.centre ?? null}, ${JSON.stringify(event)}::jsonb, ${hash}
      from patient_lock
      on conflict (event_id) do nothing
      returning event_id`.execute(trx);
    if (inserted.rows.length === 0) return alreadyStored(trx, event, hash, raw);
    const rebuild = await rebuildPatient(trx, event.patientId, now, event);
    return { kind: 'applied', event, rebuild } as const;
  });
}

/** The eventId is taken: the same payload is a redelivery (already applied), another one a conflict. */
async function alreadyStored(trx: Kysely<Database>, event: FollowUpEvent, hash: string, raw: unknown): Promise<ApplyOutcome> {
  const first = await trx.selectFrom('follow_up_events')
    .select(['payload_hash', 'patient_id'])
    .where('event_id', '=', event.eventId)
    .executeTakeFirstOrThrow();
  if (first.payload_hash === hash) return { kind: 'duplicate', event };
  const reason = `eventId ${event.eventId} was already stored with a different payload; the first one stands`;
  await recordRejection(trx, {
    kind: 'conflict', reason, code: 'payloadMismatch', raw, eventId: event.eventId, patientId: event.patientId,
    payloadHash: hash, existingPayloadHash: first.payload_hash,
  });
  return { kind: 'conflict', reason, event };
}
