// A patient's timeline as of a cutoff, from the whole set of that patient's stored events. The
// result depends only on the set and the cutoff: every step works on sets or on a total order of
// (date, eventId), never on the order the events arrived in.
import type { StoredEvent } from '../contract/index.ts';
import { clinicalCourse, isClinical } from './clinicalCourse.ts';
import type { ClinicalEvent } from './clinicalCourse.ts';
import { chooseBaseline } from './currentBaseline.ts';
import type { StoredRegistration } from './currentBaseline.ts';
import { computeEndpoints } from './endpoints.ts';
import { byOccurredThenId } from './eventOrder.ts';
import { resolveRetractions } from './retractions.ts';
import { NO_REGISTRATION } from './types.ts';
import type { TimelineResult } from './types.ts';

function assertOnePatient(events: readonly StoredEvent[]): void {
  const seen = new Set<string>();
  for (const event of events) {
    if (event.patientId !== events[0].patientId) {
      throw new RangeError('deriveTimeline takes the events of one patient; got events of several');
    }
    // The database guarantees one payload per eventId; two here would make the result order-dependent.
    if (seen.has(event.eventId)) throw new RangeError(`deriveTimeline got eventId ${event.eventId} twice`);
    seen.add(event.eventId);
  }
}

/**
 * Events reported after `cutoff`, or retracted by a retraction reported by it, do not count. A
 * patient without a counted registration has no timeline (there is no time zero).
 */
export function deriveTimeline(events: readonly StoredEvent[], cutoff: Date): TimelineResult {
  if (Number.isNaN(cutoff.getTime())) throw new RangeError('deriveTimeline needs a valid cutoff Date');
  assertOnePatient(events);
  const reported = events.filter((event) => event.reportedAt.getTime() <= cutoff.getTime());
  const { retracted, effective, conflicts: retractionConflicts } = resolveRetractions(reported);
  const live = reported.filter((event) => !retracted.has(event.eventId));

  const registrations = live.filter((event): event is StoredRegistration => event.type === 'registration');
  const choice = chooseBaseline(registrations);
  if (choice === null) return { timeline: null, reason: NO_REGISTRATION };

  const ptrDate = choice.current.occurredOn;
  const clinical = live.filter((event): event is ClinicalEvent => isClinical(event));
  const course = clinicalCourse(clinical, ptrDate);
  const endpoints = computeEndpoints(ptrDate, course.applied, course.deathDate);
  const conflicts = [...retractionConflicts, ...course.conflicts].sort(byOccurredThenId);

  const counted = 1 + course.applied.length;
  const notYetReported = events.length - reported.length;
  return {
    reason: null,
    timeline: {
      patientId: choice.current.patientId,
      cutoff: new Date(cutoff.getTime()),
      registrationEventId: choice.current.eventId,
      centre: choice.current.centre ?? null,
      baseline: choice.baseline,
      history: choice.history,
      ptrDate,
      deathDate: course.deathDate,
      ...endpoints,
      conflicts,
      counts: {
        total: events.length,
        counted,
        ignored: events.length - counted,
        notYetReported,
        retracted: retracted.size,
        retractions: effective.length,
        superseded: choice.history.length,
        conflicts: conflicts.length,
      },
    },
  };
}
