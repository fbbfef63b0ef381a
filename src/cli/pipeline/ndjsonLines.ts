// Classifies the lines of an NDJSON input for `cohortwatch ingest`: each non-blank line is an event to
// enqueue, a line to report (not JSON, over the size/depth limits, no usable eventId), or a repeat of
// an earlier line's eventId. Everything else about the event is the worker's to judge, so invalid
// events are recorded with their reason in rejected_events rather than lost in a terminal.
import type { Interface } from 'node:readline';
import { canonicalJson, parseEnvelope, sha256Hex } from '../../contract/index.ts';
import { eventIdSchema } from '../../contract/schemas.ts';

export type ClassifiedLine =
  | { kind: 'event'; line: number; eventId: string; name: string; data: unknown }
  | { kind: 'unparseable'; line: number; reason: string }
  | { kind: 'duplicate'; line: number; eventId: string; firstLine: number }
  | { kind: 'conflicting'; line: number; eventId: string; firstLine: number; data: unknown; firstHash: string };

interface Seen {
  line: number;
  hash: string;
}

export class NdjsonClassifier {
  // eventId -> first line and content hash; ~100 bytes per event, fine for millions of lines.
  private readonly seen = new Map<string, Seen>();

  classify(text: string, line: number): ClassifiedLine | null {
    if (text.trim() === '') return null;
    const parsed = parseEnvelope(text);
    if (!parsed.ok) return { kind: 'unparseable', line, reason: parsed.reason };
    const value = parsed.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { kind: 'unparseable', line, reason: 'not a JSON object' };
    }
    const record = value as Record<string, unknown>;
    const eventId = eventIdSchema.safeParse(record.eventId);
    if (!eventId.success) {
      return { kind: 'unparseable', line, reason: 'no usable eventId (1-128 of A-Z a-z 0-9 . _ : -)' };
    }
    const hash = sha256Hex(canonicalJson(value));
    const first = this.seen.get(eventId.data);
    if (first !== undefined) {
      // The job id is derived from the eventId, so the queue cannot carry a second payload for it:
      // the first line stands (as the contract says) and the other is recorded as a conflict.
      return first.hash === hash
        ? { kind: 'duplicate', line, eventId: eventId.data, firstLine: first.line }
        : { kind: 'conflicting', line, eventId: eventId.data, firstLine: first.line, data: value, firstHash: first.hash };
    }
    this.seen.set(eventId.data, { line, hash });
    const name = typeof record.type === 'string' && record.type.length <= 32 ? record.type : 'unknown';
    return { kind: 'event', line, eventId: eventId.data, name, data: value };
  }
}

/** Numbers the lines of a readline interface from 1. */
export async function* numberedLines(lines: Interface): AsyncGenerator<{ text: string; line: number }> {
  let line = 0;
  for await (const text of lines) {
    line += 1;
    yield { text, line };
  }
}
