// Which clinical events apply to the timeline once PTR is known: "An event dated before the patient's
// PTR date, or after the patient's recorded death (other than a retraction), is not applied to the
// timeline and is listed as a data-quality conflict with its reason." The recorded death is the
// earliest death on or after PTR; events on the day of death still apply (same-day events are not
// "after" it), a second death on a later day is itself after the recorded death.
import type { StoredEvent } from '../contract/index.ts';
import { byOccurredThenId } from './eventOrder.ts';
import type { DataQualityConflict } from './types.ts';

export type ClinicalEvent = Extract<StoredEvent, { type: 'lrr' | 'dp' | 'progression' | 'death' | 'last_contact' }>;

export function isClinical(event: StoredEvent): event is ClinicalEvent {
  return event.type !== 'registration' && event.type !== 'retraction';
}

export interface ClinicalCourse {
  /** Applied events, by occurredOn then eventId. */
  readonly applied: readonly ClinicalEvent[];
  readonly deathDate: string | null;
  readonly conflicts: readonly DataQualityConflict[];
}

const label = (type: ClinicalEvent['type']) => type.replace('_', ' ');

export function clinicalCourse(events: readonly ClinicalEvent[], ptrDate: string): ClinicalCourse {
  const ordered = [...events].sort(byOccurredThenId);
  const conflicts: DataQualityConflict[] = [];
  const afterPtr: ClinicalEvent[] = [];
  for (const event of ordered) {
    if (event.occurredOn < ptrDate) {
      conflicts.push({
        eventId: event.eventId, type: event.type, occurredOn: event.occurredOn, kind: 'before_ptr',
        reason: `${label(event.type)} on ${event.occurredOn} is before the PTR date ${ptrDate}`,
      });
    } else {
      afterPtr.push(event);
    }
  }
  const deathDate = afterPtr.find((event) => event.type === 'death')?.occurredOn ?? null;
  const applied: ClinicalEvent[] = [];
  for (const event of afterPtr) {
    if (deathDate !== null && event.occurredOn > deathDate) {
      conflicts.push({
        eventId: event.eventId, type: event.type, occurredOn: event.occurredOn, kind: 'after_death',
        reason: `${label(event.type)} on ${event.occurredOn} is after the recorded death on ${deathDate}`,
      });
    } else {
      applied.push(event);
    }
  }
  return { applied, deathDate, conflicts };
}
