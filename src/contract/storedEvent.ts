// An event as the database hands it back: validated, with `reportedAt` as the instant it denotes.
import { parseOffsetDateTime } from './offsetDateTime.ts';
import type { FollowUpEvent } from './schemas.ts';

type WithReportedInstant<E> = E extends FollowUpEvent ? Omit<E, 'reportedAt'> & { readonly reportedAt: Date } : never;

/** A validated event whose `reportedAt` is a Date (the instant; the offset only mattered for validation). */
export type StoredEvent = WithReportedInstant<FollowUpEvent>;

export function toStoredEvent(event: FollowUpEvent): StoredEvent {
  const parsed = parseOffsetDateTime(event.reportedAt);
  if (!parsed.ok) throw new RangeError(`reportedAt ${JSON.stringify(event.reportedAt)} ${parsed.problem}`);
  return { ...event, reportedAt: new Date(parsed.value.epochMs) };
}
