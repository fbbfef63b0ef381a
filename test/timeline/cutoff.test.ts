import { describe, expect, it } from 'vitest';
import { parseCutoff } from '../../src/timeline/index.ts';

describe('parseCutoff', () => {
  it('a date is the end of that day in UTC, to the last millisecond', () => {
    expect(parseCutoff('2021-03-31').toISOString()).toBe('2021-03-31T23:59:59.000Z');
  });

  it('handles Feb 29 in a leap year and refuses it otherwise', () => {
    expect(parseCutoff('2024-02-29').toISOString()).toBe('2024-02-29T23:59:59.000Z');
    expect(() => parseCutoff('2023-02-29')).toThrow('cutoff 2023-02-29 is not a calendar date');
  });

  it('an ISO-8601 date-time with offset is that instant', () => {
    expect(parseCutoff('2021-04-01T08:59:59+09:00').toISOString()).toBe('2021-03-31T23:59:59.000Z');
  });

  it('refuses anything else with a one-line reason', () => {
    expect(() => parseCutoff('31/03/2021')).toThrow('cutoff "31/03/2021" must be a date YYYY-MM-DD or an ISO-8601 date-time with offset');
    expect(() => parseCutoff('2021-03-31T23:59:59')).toThrow(/must be a date YYYY-MM-DD or an ISO-8601 date-time with offset$/);
    expect(() => parseCutoff('')).toThrow(RangeError);
  });
});
