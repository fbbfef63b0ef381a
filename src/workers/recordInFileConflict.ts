// A second payload for an eventId within one ingest input cannot travel on the queue (the job id
// derives from the eventId, so BullMQ keeps the first job), so the producer records it itself,
// exactly as the worker would have: an invalid payload with its reason, a valid one as a conflict
// with the worker's reason text. The first payload stands.
import type { Kysely } from 'kysely';
import { payloadHash, validateEvent } from '../contract/index.ts';
import type { Database } from '../db/database.ts';
import { conflictReason } from './conflictReason.ts';
import { recordRejection } from './recordRejection.ts';

export interface InFileConflict {
  /** The later payload, as the producer sent it. */
  raw: unknown;
  /** Canonical-JSON SHA-256 of the first payload (the one enqueued), as payloadHash computes it. */
  firstPayloadHash: string;
}

/** Records each conflict (idempotently: ingesting the same file again adds nothing). */
export async function recordInFileConflicts(db: Kysely<Database>, conflicts: readonly InFileConflict[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const { raw, firstPayloadHash } of conflicts) {
      const validation = validateEvent(raw);
      if (!validation.ok) {
        await recordRejection(trx, {
          kind: 'invalid', reason: validation.reason, raw, eventId: validation.eventId ?? null, patientId: validation.patientId ?? null,
        });
        continue;
      }
      const { event } = validation;
      await recordRejection(trx, {
        kind: 'conflict', reason: conflictReason(event.eventId), raw, eventId: event.eventId, patientId: event.patientId,
        payloadHash: payloadHash(event), existingPayloadHash: firstPayloadHash,
      });
    }
  });
}
