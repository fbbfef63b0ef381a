import { describe, expect, it } from 'vitest';
import { QuarterRangeError, quarterTicks, tickFor } from '../../src/demo/quarterTicks.ts';
import { SimulatedClock } from '../../src/demo/simulatedClock.ts';

describe('the replay calendar', () => {
  it('fires at 06:00 UTC on the first day of the next quarter and analyses the quarter that ended', () => {
    expect(tickFor('2005-12-31')).toEqual({ at: new Date('2006-01-01T06:00:00Z'), cutoff: '2005-12-31' });
    expect(tickFor('2012-03-31').at.toISOString()).toBe('2012-04-01T06:00:00.000Z');
  });

  it('lists every quarter from the first look to the last, in order', () => {
    const ticks = quarterTicks('2010-09-30', '2011-09-30');
    expect(ticks.map((t) => t.cutoff)).toEqual(['2010-09-30', '2010-12-31', '2011-03-31', '2011-06-30', '2011-09-30']);
    expect(quarterTicks('2005-12-31', '2026-09-30')).toHaveLength(84);
  });

  it('refuses a date that is not a quarter end, and a range that runs backwards', () => {
    expect(() => tickFor('2010-10-31')).toThrow(QuarterRangeError);
    expect(() => tickFor('2010-02-30')).toThrow(/not the last day of a calendar quarter/);
    expect(() => quarterTicks('2011-03-31', '2010-12-31')).toThrow(/after the last/);
  });

  it('has a clock that only moves forward', () => {
    const clock = new SimulatedClock(new Date('2006-01-01T06:00:00Z'));
    clock.advanceTo(new Date('2006-04-01T06:00:00Z'));
    expect(clock.now().toISOString()).toBe('2006-04-01T06:00:00.000Z');
    expect(() => clock.advanceTo(new Date('2006-01-01T06:00:00Z'))).toThrow(/cannot go back/);
  });
});
