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

interface PatientReplay {
  readonly patientId: string;
  readonly stored: readonly StoredEvent[];
  /** Report times in ascending order: the events reported by a cutoff are a prefix of this order. */
  readonly reportedAt: Float64Array;
  /** The row derived from the last prefix seen, and that prefix's length. */
  derivedFrom: number;
  row: AnalysisRow | null;
}

/** Number of ascending `times` at or before `t`. */
function countUpTo(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * datasetAsOf for a series of cutoffs over one registry (a monitoring series, the calibration): the same
 * rows, derived again only for patients with a newly reported event. deriveTimeline depends on the
 * cutoff only through which events are reported by then (`reportedAt <= cutoff`), and the analysis row
 * does not carry the cutoff, so a patient whose reported events did not change keeps the row it had.
 * Rows are shared between cutoffs and must not be mutated (PlanRow is readonly).
 */
export function datasetReplay(registry: StoredRegistry): (cutoff: Date) => AnalysisRow[] {
  const patients: PatientReplay[] = [...registry].map(([patientId, stored]) => ({
    patientId, stored,
    reportedAt: Float64Array.from(stored, (e) => e.reportedAt.getTime()).sort(),
    derivedFrom: -1, row: null,
  }));
  return (cutoff) => {
    const rows: AnalysisRow[] = [];
    for (const p of patients) {
      const reported = countUpTo(p.reportedAt, cutoff.getTime());
      if (reported !== p.derivedFrom) {
        // Nothing reported yet: no registration, no row (what deriveTimeline says, without asking it).
        const timeline = reported === 0 ? null : deriveTimeline(p.stored, cutoff).timeline;
        p.row = timeline ? toAnalysisRow(p.patientId, timeline.centre, timeline) : null;
        p.derivedFrom = reported;
      }
      if (p.row) rows.push(p.row);
    }
    return rows;
  };
}

/** The analysis dataset as of `cutoff` from a stream of raw events, by the service's own pure path. */
export function analysisDataset(events: Iterable<unknown>, cutoff: Date): AnalysisRow[] {
  return datasetAsOf(storeEvents(events), cutoff);
}
