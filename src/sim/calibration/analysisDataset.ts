import { toStoredEvent, validateEvent } from '../../contract/index.ts';
import type { StoredEvent } from '../../contract/index.ts';
import { deriveTimeline, toAnalysisRow } from '../../timeline/index.ts';
import type { AnalysisRow } from '../../timeline/index.ts';

/** Validated events stored once per eventId, per patient (what the pipeline's database holds). */
export type StoredRegistry = ReadonlyMap<string, readonly StoredEvent[]>;

/**
 * Every raw event validated against the contract and stored once per eventId (a redelivery is the same
 * event), as the service does. An invalid event is a simulator bug: throws.
 */
export function storeEvents(events: Iterable<unknown>): StoredRegistry {
  const byPatient = new Map<string, Map<string, StoredEvent>>();
  for (const raw of events) {
    const result = validateEvent(raw);
    if (!result.ok) throw new Error(`simulated event rejected by the contract: ${result.reason}`);
    const event = result.event;
    let patient = byPatient.get(event.patientId);
    if (!patient) {
      patient = new Map();
      byPatient.set(event.patientId, patient);
    }
    if (!patient.has(event.eventId)) patient.set(event.eventId, toStoredEvent(event));
  }
  return new Map([...byPatient].map(([id, stored]) => [id, [...stored.values()]]));
}

/** The analysis dataset as of `cutoff`: each patient's timeline derived, one row per registered patient. */
export function datasetAsOf(registry: StoredRegistry, cutoff: Date): AnalysisRow[] {
  const rows: AnalysisRow[] = [];
  for (const [patientId, stored] of registry) {
    const derived = deriveTimeline(stored, cutoff);
    if (derived.timeline) rows.push(toAnalysisRow(patientId, derived.timeline.centre, derived.timeline));
  }
  return rows;
}

/** The analysis dataset as of `cutoff` from a stream of raw events, by the service's own pure path. */
export function analysisDataset(events: Iterable<unknown>, cutoff: Date): AnalysisRow[] {
  return datasetAsOf(storeEvents(events), cutoff);
}
