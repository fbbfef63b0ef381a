// Rejected events are kept where an operator can list them (`cohortwatch rejected`), with a one-line
// reason. Recording is idempotent: a redelivered rejection finds its fingerprint and adds nothing.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { checkShape } from '../contract/envelope.ts';
import { parseOffsetDateTime } from '../contract/offsetDateTime.ts';
import type { RejectionCode } from '../contract/rejectionCode.ts';
import type { Database } from '../db/database.ts';

/** How much of an oversized or unserialisable payload is kept for the operator to recognise it. */
const EXCERPT_CHARS = 512;

export interface Rejection {
  kind: 'invalid' | 'conflict';
  reason: string;
  /** Why, as a closed code (what reports count by; `unclassified` is only for rows stored before codes existed). */
  code: RejectionCode;
  /** What the producer sent, untrusted. */
  raw: unknown;
  eventId: string | null;
  patientId: string | null;
  payloadHash?: string | null;
  existingPayloadHash?: string | null;
}

interface SerializedPayload {
  text: string;
  bytes: number;
  keep: boolean;
}

function serialize(raw: unknown): SerializedPayload {
  // Within the contract's size/depth limits the payload is small and stored whole; beyond them,
  // stringifying could itself be the attack (a 100,000-level array overflows the stack).
  const keep = checkShape(raw).ok;
  try {
    const text = JSON.stringify(raw) ?? String(raw);
    return { text, bytes: Buffer.byteLength(text), keep: keep && typeof raw === 'object' && raw !== null };
  } catch {
    return { text: '(payload could not be serialised)', bytes: 0, keep: false };
  }
}

/** The event's own reportedAt when it is readable: reports place a rejection by the cutoff it was reported under. */
function reportedAtOf(raw: unknown): Date | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const value: unknown = (raw as Record<string, unknown>).reportedAt;
  if (typeof value !== 'string' || !parseOffsetDateTime(value).ok) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** Inserts the rejection unless the same one was recorded before; returns true when it is new. */
export async function recordRejection(db: Kysely<Database>, rejection: Rejection): Promise<boolean> {
  const payload = serialize(rejection.raw);
  const fingerprint = createHash('sha256')
    .update(`${rejection.kind}\n${rejection.eventId ?? ''}\n${rejection.reason}\n${payload.text}`)
    .digest('hex');
  const inserted = await db.insertInto('rejected_events')
    .values({
      fingerprint,
      kind: rejection.kind,
      event_id: rejection.eventId,
      patient_id: rejection.patientId,
      reason: rejection.reason,
      code: rejection.code,
      reported_at: reportedAtOf(rejection.raw),
      payload: payload.keep ? payload.text : null,
      raw_excerpt: payload.keep ? null : payload.text.slice(0, EXCERPT_CHARS),
      payload_bytes: payload.bytes,
      payload_hash: rejection.payloadHash ?? null,
      existing_payload_hash: rejection.existingPayloadHash ?? null,
    })
    .onConflict((oc) => oc.column('fingerprint').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted === undefined) return false;
  await db.insertInto('audit_log').values({
    action: rejection.kind === 'conflict' ? 'conflict_rejected' : 'event_rejected',
    patient_id: rejection.patientId,
    event_id: rejection.eventId,
    reason: rejection.reason,
    before: null,
    after: null,
  }).execute();
  return true;
}
