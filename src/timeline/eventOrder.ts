// The one total order used wherever events must be ranked: by reportedAt, then by eventId in
// code-unit order (locale-independent), so a rank never depends on arrival order.
import type { StoredEvent } from '../contract/index.ts';

export function byReportedThenId(a: StoredEvent, b: StoredEvent): number {
  const time = a.reportedAt.getTime() - b.reportedAt.getTime();
  if (time !== 0) return time;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

export function byOccurredThenId(a: { occurredOn: string; eventId: string }, b: { occurredOn: string; eventId: string }): number {
  if (a.occurredOn !== b.occurredOn) return a.occurredOn < b.occurredOn ? -1 : 1;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}
