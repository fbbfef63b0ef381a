// `reportedAt`: an ISO-8601 date-time with an explicit offset (the RFC 3339 profile: seconds required,
// optional fraction, `Z` or `±HH:MM`). The offset is kept because the contract compares `occurredOn`
// with the calendar date of `reportedAt` read in its own offset, which is simply the date as written.
import { dayNumberOfParts, isCalendarDateParts } from './calendarDate.ts';

export const OFFSET_DATE_TIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

export interface OffsetDateTime {
  /** Milliseconds since the epoch; a fraction finer than 1 ms is truncated, as `Date` does. */
  readonly epochMs: number;
  /** The calendar date in the value's own offset: its first ten characters. */
  readonly localDate: string;
  /** `Z` or `±HH:MM` as written. */
  readonly offset: string;
}

export type OffsetDateTimeParse = { ok: true; value: OffsetDateTime } | { ok: false; problem: string };

/** Parses a well-formed value; `problem` says why a value of the right shape is still not an instant. */
export function parseOffsetDateTime(text: string): OffsetDateTimeParse {
  const match = OFFSET_DATE_TIME_PATTERN.exec(text);
  if (!match) return { ok: false, problem: 'must be an ISO-8601 date-time with offset' };
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  if (!isCalendarDateParts(year, month, day)) return { ok: false, problem: 'is not a calendar date-time (no such day)' };
  // 24:00 and leap seconds (:60) are valid ISO-8601 but cannot be stored as one instant unambiguously.
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, problem: 'is not a valid time of day' };
  let offsetMinutes = 0;
  let offset = 'Z';
  if (match[8] !== 'Z') {
    const sign = match[9];
    const offsetHours = Number(match[10]);
    const offsetMins = Number(match[11]);
    // RFC 3339 reserves -00:00 for "local offset unknown", which makes the reporting date unknowable.
    if (sign === '-' && offsetHours === 0 && offsetMins === 0) return { ok: false, problem: 'has offset -00:00 (unknown local offset)' };
    if (offsetHours > 23 || offsetMins > 59) return { ok: false, problem: 'has an offset out of range' };
    offsetMinutes = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
    offset = `${sign}${match[10]}:${match[11]}`;
  }
  // Digits, not floating point: Number('0.29') * 1000 is not guaranteed to be exactly 290.
  const fractionMs = match[7] === undefined ? 0 : Number(match[7].padEnd(3, '0').slice(0, 3));
  const localMs = ((dayNumberOfParts(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + fractionMs;
  return { ok: true, value: { epochMs: localMs - offsetMinutes * 60_000, localDate: text.slice(0, 10), offset } };
}
