// The BullMQ job id of an event. BullMQ rejects integer-like custom ids and ids with `:` (unless in
// exactly three segments), and eventIds may be both, so the id is a hash: deterministic (a redelivery
// maps to the same job while it is kept), fixed length, and never integer-like thanks to the prefix.
import { sha256Hex } from './sha256Hex.ts';

const HASH_HEX_CHARACTERS = 32; // 128 bits: collisions are out of reach for any registry's volume.

export function eventJobId(eventId: string): string {
  return `ev-${sha256Hex(eventId).slice(0, HASH_HEX_CHARACTERS)}`;
}
