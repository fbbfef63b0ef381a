// "A later registration for the same patient (another eventId) is a correction: it replaces the
// baseline, and the replaced one stays in the history." Later means later reportedAt (when the
// registry learned it), ties broken by the larger eventId, so the choice depends only on the set.
import type { StoredEvent } from '../contract/index.ts';
import { byReportedThenId } from './eventOrder.ts';
import type { PatientBaseline, SupersededRegistration } from './types.ts';

export type StoredRegistration = Extract<StoredEvent, { type: 'registration' }>;

export interface BaselineChoice {
  readonly current: StoredRegistration;
  readonly baseline: PatientBaseline;
  /** Oldest first. */
  readonly history: readonly SupersededRegistration[];
}

export function explicitBaseline(registration: StoredRegistration): PatientBaseline {
  return { ...registration.baseline, portStartedOn: registration.baseline.portStartedOn ?? null };
}

/** `registrations`: counted (reported by the cutoff, not retracted). Null when there are none. */
export function chooseBaseline(registrations: readonly StoredRegistration[]): BaselineChoice | null {
  if (registrations.length === 0) return null;
  const ordered = [...registrations].sort(byReportedThenId);
  const current = ordered[ordered.length - 1];
  const history = ordered.slice(0, -1).map((registration) => ({
    eventId: registration.eventId,
    reportedAt: registration.reportedAt,
    ptrDate: registration.occurredOn,
    baseline: explicitBaseline(registration),
  }));
  return { current, baseline: explicitBaseline(current), history };
}
