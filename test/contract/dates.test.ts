// Tricky calendar dates and time zones: leap days, and the reporting date read in reportedAt's own offset.
import { describe, expect, it } from 'vitest';
import { daysBetween, isCalendarDate, parseOffsetDateTime, toStoredEvent, validateEvent } from '../../src/contract/index.ts';
import type { FollowUpEvent } from '../../src/contract/index.ts';
import { validEvents, withFields } from './events.ts';

describe('leap days', () => {
  it('Feb 29 exists in leap years only (divisible by 4, centuries only when divisible by 400)', () => {
    expect(isCalendarDate('2020-02-29')).toBe(true);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('2019-02-29')).toBe(false);
    expect(isCalendarDate('1900-02-29')).toBe(false);
    expect(isCalendarDate('2100-02-29')).toBe(false);
  });

  it('accepts occurredOn 2020-02-29 and rejects 2021-02-29', () => {
    const reported = '2021-06-01T00:00:00Z';
    expect(validateEvent(withFields(validEvents.death, { occurredOn: '2020-02-29', reportedAt: reported })).ok).toBe(true);
    const result = validateEvent(withFields(validEvents.death, { occurredOn: '2021-02-29', reportedAt: reported }));
    expect(result).toMatchObject({ ok: false, reason: 'occurredOn 2021-02-29 is not a calendar date' });
  });

  it('counts whole days across a leap day and across years', () => {
    expect(daysBetween('2020-02-28', '2020-03-01')).toBe(2);
    expect(daysBetween('2021-02-28', '2021-03-01')).toBe(1);
    expect(daysBetween('2019-12-31', '2021-01-01')).toBe(367);
    expect(daysBetween('2020-03-01', '2020-02-28')).toBe(-2);
    expect(daysBetween('1970-01-01', '2000-03-01')).toBe(11017);
  });

  it('does not let Date map two-digit years to the 1900s', () => {
    expect(daysBetween('0099-12-31', '0100-01-01')).toBe(1);
  });
});

describe('reportedAt read in its own offset', () => {
  it('2020-03-01T01:00:00+09:00 is 2020-03-01 locally though it is Feb 29 in UTC: occurredOn 2020-03-01 is fine', () => {
    const event = withFields(validEvents.death, { occurredOn: '2020-03-01', reportedAt: '2020-03-01T01:00:00+09:00' });
    expect(validateEvent(event).ok).toBe(true);
    expect(parseOffsetDateTime('2020-03-01T01:00:00+09:00')).toEqual({
      ok: true, value: { epochMs: Date.parse('2020-02-29T16:00:00Z'), localDate: '2020-03-01', offset: '+09:00' },
    });
  });

  it('2020-02-29T22:00:00-05:00 is Mar 1 in UTC but Feb 29 locally: occurredOn 2020-03-01 is too late', () => {
    const event = withFields(validEvents.death, { occurredOn: '2020-03-01', reportedAt: '2020-02-29T22:00:00-05:00' });
    expect(validateEvent(event)).toMatchObject({
      ok: false, reason: 'occurredOn 2020-03-01 is after the reporting date 2020-02-29 (reportedAt read in its own offset -05:00)',
    });
  });

  it('an event on the reporting day itself is allowed in any offset', () => {
    for (const reportedAt of ['2020-03-01T00:00:00Z', '2020-03-01T00:00:00+14:00', '2020-03-01T23:59:59-12:00']) {
      expect(validateEvent(withFields(validEvents.death, { occurredOn: '2020-03-01', reportedAt })).ok).toBe(true);
    }
  });

  it('compares instants, not strings, once validated', () => {
    const tokyo = parseOffsetDateTime('2020-03-01T09:00:00+09:00');
    const utc = parseOffsetDateTime('2020-03-01T00:00:00Z');
    const newYork = parseOffsetDateTime('2020-02-29T19:00:00-05:00');
    expect(tokyo.ok && utc.ok && newYork.ok).toBe(true);
    if (tokyo.ok && utc.ok && newYork.ok) {
      expect(tokyo.value.epochMs).toBe(utc.value.epochMs);
      expect(newYork.value.epochMs).toBe(utc.value.epochMs);
    }
  });

  it('keeps milliseconds and truncates finer fractions, as Date does', () => {
    const parsed = parseOffsetDateTime('2020-03-01T23:59:59.9999Z');
    expect(parsed.ok && parsed.value.epochMs).toBe(Date.parse('2020-03-01T23:59:59.999Z'));
    const tenth = parseOffsetDateTime('2020-03-01T00:00:00.5+01:00');
    expect(tenth.ok && tenth.value.epochMs).toBe(Date.parse('2020-02-29T23:00:00.500Z'));
  });

  it('a stored event carries reportedAt as the instant', () => {
    const result = validateEvent(withFields(validEvents.death, { occurredOn: '2020-03-01', reportedAt: '2020-03-01T01:00:00+09:00' }));
    expect(result.ok).toBe(true);
    const stored = toStoredEvent((result as { event: FollowUpEvent }).event);
    expect(stored.reportedAt.toISOString()).toBe('2020-02-29T16:00:00.000Z');
  });
});
