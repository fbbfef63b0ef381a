// Detects "same eventId, different payload" conflicts: the first payload's hash is stored with the
// event and a redelivery is compared against it.
import { canonicalJson } from './canonicalJson.ts';
import { sha256Hex } from './sha256Hex.ts';
import type { FollowUpEvent } from './schemas.ts';

/**
 * SHA-256 (hex) of the event's canonical JSON. Key order does not matter; every value does, as
 * written: `reportedAt` "…T00:00:00Z" and "…T00:00:00.000Z" are different payloads (the offset and
 * spelling are part of what the producer sent), and so are an omitted optional field and an empty one.
 */
export function payloadHash(event: FollowUpEvent): string {
  return sha256Hex(canonicalJson(event));
}
