import { toStoredEvent, validateEvent } from '../../contract/index.ts';
import type { StoredEvent } from '../../contract/index.ts';
import { deriveTimeline, toAnalysisRow } from '../../timeline/index.ts';
import type { AnalysisRow } from '../../timeline/index.ts';

/**
 * The analysis dataset as of `cutoff`, built from a stream of raw events by the same pure path the
 * service takes: every event validated against the contract,
 * stored once per eventId (a redelivery is the same event), each patient's timeline derived, one row
 * per patient with a registration counted by the cutoff. An invalid event is a simulator bug: throws.
 */
export function analysisDataset(events: Iterable<unknown>, cutoff: Date): AnalysisRow[] {
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
  const rows: AnalysisRow[] = [];
  for (const [patientId, stored] of byPatient) {
    const derived = deriveTimeline([...stored.values()], cutoff);
    if (derived.timeline) rows.push(toAnalysisRow(patientId, derived.timeline.centre, derived.timeline));
  }
  return rows;
}
