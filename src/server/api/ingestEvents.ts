// POST /api/v1/events: one result per submitted event, in order. Validation is the worker's own
// (`validateEvent`), so an event the API queues is one the worker will accept, and an event it
// rejects is recorded in rejected_events exactly as the worker would record it. Duplicates are told
// apart from conflicts by payload hash against (1) earlier events of the same request, (2) events
// already stored, (3) jobs still on the queue; a conflict is rejected and recorded, the first payload
// stands. An event is reported "queued" only once BullMQ has it: nothing reported queued is lost.
// The job options (attempts, backoff, removal) are the queue's defaults, as for `cohortwatch ingest`.
import type { Kysely } from 'kysely';
import { eventJobId, parseEnvelope, payloadHash, validateEvent } from '../../contract/index.ts';
import type { Database } from '../../db/database.ts';
import { recordRejection } from '../../workers/recordRejection.ts';
import type { FollowUpQueue } from '../../workers/queue.ts';

export type EventStatus = 'queued' | 'duplicate' | 'rejected';

export interface EventResult {
  index: number;
  eventId: string | null;
  status: EventStatus;
  reason: string | null;
}

/** One submitted event: its parsed value, or the reason it could not be parsed (an NDJSON line). */
export type SubmittedEvent =
  | { readonly ok: true; readonly value: unknown; readonly byteLength?: number }
  | { readonly ok: false; readonly reason: string; readonly text: string };

/** Splits an NDJSON body into events; blank lines are not events (producers often end with one). */
export function ndjsonEvents(body: string): SubmittedEvent[] {
  const events: SubmittedEvent[] = [];
  for (const line of body.split('\n')) {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (text.trim() === '') continue;
    const parsed = parseEnvelope(text);
    events.push(parsed.ok ? { ok: true, value: parsed.value, byteLength: Buffer.byteLength(text) } : { ok: false, reason: parsed.reason, text });
  }
  return events;
}

export function arrayEvents(values: readonly unknown[]): SubmittedEvent[] {
  return values.map((value) => ({ ok: true, value }));
}

export function conflictReason(eventId: string): string {
  // The worker's wording (src/workers/applyEvent.ts), so both paths read the same in rejected_events.
  return `eventId ${eventId} was already stored with a different payload; the first one stands`;
}

export interface IngestDependencies {
  db: Kysely<Database>;
  queue: FollowUpQueue;
  /** How long to wait for the queue before answering 503 (nothing is reported queued meanwhile). */
  enqueueTimeoutMs: number;
}

export class QueueUnavailableError extends Error {
  override name = 'QueueUnavailableError';
}

interface Candidate {
  index: number;
  eventId: string;
  patientId: string;
  type: string;
  hash: string;
  raw: unknown;
}

const LOOKUP_CHUNK = 1000;

async function storedHashes(db: Kysely<Database>, eventIds: readonly string[]): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (let i = 0; i < eventIds.length; i += LOOKUP_CHUNK) {
    const rows = await db.selectFrom('follow_up_events').select(['event_id', 'payload_hash'])
      .where('event_id', 'in', eventIds.slice(i, i + LOOKUP_CHUNK)).execute();
    for (const row of rows) hashes.set(row.event_id, row.payload_hash);
  }
  return hashes;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QueueUnavailableError(`the queue did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function ingestEvents(deps: IngestDependencies, submitted: readonly SubmittedEvent[]): Promise<EventResult[]> {
  const results: EventResult[] = new Array<EventResult>(submitted.length);
  const rejections: Parameters<typeof recordRejection>[1][] = [];
  const firstInRequest = new Map<string, Candidate>();
  const candidates: Candidate[] = [];

  submitted.forEach((item, index) => {
    if (!item.ok) {
      results[index] = { index, eventId: null, status: 'rejected', reason: item.reason };
      rejections.push({ kind: 'invalid', reason: item.reason, raw: item.text, eventId: null, patientId: null });
      return;
    }
    const validation = validateEvent(item.value, item.byteLength === undefined ? {} : { byteLength: item.byteLength });
    if (!validation.ok) {
      const eventId = validation.eventId ?? null;
      results[index] = { index, eventId, status: 'rejected', reason: validation.reason };
      rejections.push({ kind: 'invalid', reason: validation.reason, raw: item.value, eventId, patientId: validation.patientId ?? null });
      return;
    }
    const event = validation.event;
    const candidate = { index, eventId: event.eventId, patientId: event.patientId, type: event.type, hash: payloadHash(event), raw: item.value };
    const earlier = firstInRequest.get(event.eventId);
    if (earlier === undefined) {
      firstInRequest.set(event.eventId, candidate);
      candidates.push(candidate);
    } else if (earlier.hash === candidate.hash) {
      results[index] = { index, eventId: event.eventId, status: 'duplicate', reason: `repeats event ${earlier.index} of this request` };
    } else {
      const reason = `eventId ${event.eventId} repeats event ${earlier.index} of this request with a different payload; the first one stands`;
      results[index] = { index, eventId: event.eventId, status: 'rejected', reason };
      rejections.push({ kind: 'conflict', reason, raw: item.value, eventId: event.eventId, patientId: event.patientId, payloadHash: candidate.hash, existingPayloadHash: earlier.hash });
    }
  });

  const stored = await storedHashes(deps.db, candidates.map((c) => c.eventId));
  const toEnqueue: Candidate[] = [];
  for (const c of candidates) {
    const hash = stored.get(c.eventId);
    if (hash === undefined) toEnqueue.push(c);
    else if (hash === c.hash) results[c.index] = { index: c.index, eventId: c.eventId, status: 'duplicate', reason: 'already stored' };
    else {
      const reason = conflictReason(c.eventId);
      results[c.index] = { index: c.index, eventId: c.eventId, status: 'rejected', reason };
      rejections.push({ kind: 'conflict', reason, raw: c.raw, eventId: c.eventId, patientId: c.patientId, payloadHash: c.hash, existingPayloadHash: hash });
    }
  }

  // BullMQ answers an add for a job id it still holds with that job, silently keeping the first
  // payload: ask the queue first, to tell a redelivery (duplicate) from a conflict (rejected).
  const queued = await withTimeout(Promise.all(toEnqueue.map((c) => deps.queue.getJob(eventJobId(c.eventId)))), deps.enqueueTimeoutMs);
  const fresh: Candidate[] = [];
  toEnqueue.forEach((c, i) => {
    const job = queued[i];
    if (job === undefined || job === null) {
      fresh.push(c);
      return;
    }
    const held = validateEvent(job.data);
    if (held.ok && payloadHash(held.event) === c.hash) {
      results[c.index] = { index: c.index, eventId: c.eventId, status: 'duplicate', reason: 'already queued' };
    } else {
      const reason = `eventId ${c.eventId} is already queued with a different payload; the first one stands`;
      results[c.index] = { index: c.index, eventId: c.eventId, status: 'rejected', reason };
      rejections.push({ kind: 'conflict', reason, raw: c.raw, eventId: c.eventId, patientId: c.patientId, payloadHash: c.hash, existingPayloadHash: held.ok ? payloadHash(held.event) : null });
    }
  });
  if (fresh.length > 0) {
    await withTimeout(
      deps.queue.addBulk(fresh.map((c) => ({ name: c.type, data: c.raw, opts: { jobId: eventJobId(c.eventId) } }))),
      deps.enqueueTimeoutMs,
    );
    for (const c of fresh) results[c.index] = { index: c.index, eventId: c.eventId, status: 'queued', reason: null };
  }

  for (const rejection of rejections) await recordRejection(deps.db, rejection);
  return results;
}
