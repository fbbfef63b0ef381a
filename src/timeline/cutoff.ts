// The as-of instant of an analysis. The contract: "a cutoff given as a date YYYY-MM-DD means the end
// of that day in UTC (23:59:59Z)". We take the instant exactly as written, 23:59:59.000Z, so that every
// consumer (this code, an analyst in R, a SQL query) agrees on the boundary: an event reported at
// 23:59:59.5Z on that day falls after the cutoff. (Date has millisecond precision.)
import { DATE_PATTERN, dayNumber, isCalendarDate, parseOffsetDateTime } from '../contract/index.ts';

const MS_PER_DAY = 86_400_000;

/** `YYYY-MM-DD` → 23:59:59Z of that day; an ISO-8601 date-time with offset → that instant. */
export function parseCutoff(text: string): Date {
  if (DATE_PATTERN.test(text)) {
    if (!isCalendarDate(text)) throw new RangeError(`cutoff ${text} is not a calendar date`);
    return new Date((dayNumber(text) + 1) * MS_PER_DAY - 1000);
  }
  const instant = parseOffsetDateTime(text);
  if (instant.ok) return new Date(instant.value.epochMs);
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  throw new RangeError(`cutoff ${shown} must be a date YYYY-MM-DD or an ISO-8601 date-time with offset`);
}
