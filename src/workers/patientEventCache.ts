// A worker's memory of the stored events of the patients it rebuilt recently, so the next rebuild of
// such a patient does not reload and re-parse every payload from PostgreSQL: each rebuild reads all
// of the patient's events (that is what makes it order-free), and with ~20 events per patient the
// reload was most of the batch's PostgreSQL output and of the worker's parsing.
//
// The memory is never trusted: every rebuild reads PostgreSQL's count of the patient's stored events
// and sum of hashtext(event_id) over them (kept by triggers on the log, migration 2026_12_01_020)
// under the patient's lock, and reloads the patient's payloads unless both equal what this memory
// holds plus the events the transaction just inserted.
// So another worker's events, a redelivery, a rolled-back transaction, a restore or an operator's
// deletion all fall back to the full reload. An entry is written only after its transaction
// committed. Bounded by a number of events, least recently used first out.
import type { StoredEvent } from '../contract/index.ts';

export interface CachedPatient {
  /** How many events the patient had stored. */
  readonly count: number;
  /** Sum of PostgreSQL's hashtext(event_id) over them (int4 values: exact in a double). */
  readonly idHash: number;
  readonly events: readonly StoredEvent[];
}

export interface PatientEventCache {
  get(patientId: string): CachedPatient | undefined;
  set(patientId: string, entry: CachedPatient): void;
}

/** About 0.5 KB per event: the default holds ~50 MB. */
export const DEFAULT_CACHED_EVENTS = 100_000;

export function createPatientEventCache(maxEvents = DEFAULT_CACHED_EVENTS): PatientEventCache {
  const entries = new Map<string, CachedPatient>();
  let events = 0;
  return {
    get(patientId) {
      const entry = entries.get(patientId);
      if (entry === undefined) return undefined;
      // Map iteration order is insertion order: re-inserting marks the entry most recently used.
      entries.delete(patientId);
      entries.set(patientId, entry);
      return entry;
    },
    set(patientId, entry) {
      const previous = entries.get(patientId);
      if (previous !== undefined) {
        events -= previous.events.length;
        entries.delete(patientId);
      }
      if (entry.events.length > maxEvents) return;
      entries.set(patientId, entry);
      events += entry.events.length;
      for (const [oldest, old] of entries) {
        if (events <= maxEvents) break;
        entries.delete(oldest);
        events -= old.events.length;
      }
    },
  };
}
