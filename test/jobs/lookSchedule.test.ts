import { describe, expect, it } from 'vitest';
import {
  checkLookCutoff, checkSchedule, cutoffOfFiring, CutoffError, DEFAULT_LOOK_SCHEDULE, isScheduledCutoff, latestScheduledCutoff,
} from '../../src/analysis/lookSchedule.ts';
import { tickFiringTime } from '../../src/jobs/analysisQueues.ts';

const NOW = new Date('2026-11-30T19:00:00Z');
const refusal = (cutoff: string, unscheduled = false) => {
  try {
    checkLookCutoff(cutoff, { now: NOW, schedule: DEFAULT_LOOK_SCHEDULE, unscheduled });
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(CutoffError);
    return (error as Error).message;
  }
};

describe('look cutoffs (issue 9, item 2)', () => {
  it('accepts past quarter ends on the default schedule', () => {
    for (const cutoff of ['2012-12-31', '2017-03-31', '2026-06-30', '2026-09-30']) expect(refusal(cutoff)).toBeNull();
  });

  it('refuses a future cutoff and today, whatever --unscheduled says', () => {
    expect(refusal('2030-12-31', true)).toMatch(/^cutoff 2030-12-31 is in the future \(today is 2026-11-30 in UTC\)/);
    expect(refusal('2026-12-31')).toMatch(/in the future/);
    expect(refusal('2026-11-30', true)).toMatch(/is today/);
  });

  it('refuses a cutoff off the schedule unless it is asked for as an extra look, naming the nearest looks', () => {
    expect(refusal('2026-07-15')).toBe('cutoff 2026-07-15 is not on the look schedule (REANALYSIS_CRON "0 0 6 1 1,4,7,10 *" in UTC; nearest: 2026-06-30 or 2026-09-30); pass --unscheduled for an extra look');
    expect(refusal('2026-07-15', true)).toBeNull();
    expect(refusal('2017-02-30')).toMatch(/invalid cutoff "2017-02-30"/);
  });

  it('reads the schedule from REANALYSIS_CRON in REANALYSIS_TZ: a look is the day before each firing', () => {
    const weekly = { cron: '0 30 2 * * 1', tz: 'Pacific/Auckland' };  // Mondays 02:30 in Auckland (Sunday UTC)
    expect(isScheduledCutoff('2026-11-29', weekly)).toBe(true);        // Sunday before Monday 30 Nov
    expect(isScheduledCutoff('2026-11-30', weekly)).toBe(false);
    expect(latestScheduledCutoff(NOW, weekly)).toBe('2026-11-29');
    const monthly = { cron: '0 0 6 1 * *', tz: 'UTC' };
    expect(isScheduledCutoff('2026-10-31', monthly)).toBe(true);
    expect(isScheduledCutoff('2026-10-30', monthly)).toBe(false);
  });

  it('the scheduler tick analyses the quarter that just ended', () => {
    expect(cutoffOfFiring(new Date('2026-10-01T06:00:00Z'), DEFAULT_LOOK_SCHEDULE)).toBe('2026-09-30');
    expect(cutoffOfFiring(new Date('2027-01-01T06:00:00Z'), DEFAULT_LOOK_SCHEDULE)).toBe('2026-12-31');
    expect(latestScheduledCutoff(NOW, DEFAULT_LOOK_SCHEDULE)).toBe('2026-09-30');
  });

  it('a tick stands for its firing, not for its job\'s creation at the previous firing (shape observed from BullMQ 6.7)', () => {
    const april = Date.parse('2027-04-01T06:00:00Z');
    const created = Date.parse('2027-01-01T06:00:00.124Z');
    const tick = { id: `repeat:reanalysis-quarterly:${april}`, timestamp: created, opts: { prevMillis: april } };
    expect(cutoffOfFiring(tickFiringTime(tick), DEFAULT_LOOK_SCHEDULE)).toBe('2027-03-31');
    expect(cutoffOfFiring(tickFiringTime({ ...tick, opts: {} }), DEFAULT_LOOK_SCHEDULE)).toBe('2027-03-31');
    expect(cutoffOfFiring(new Date(created), DEFAULT_LOOK_SCHEDULE)).toBe('2026-12-31');  // what the job's timestamp would say
  });

  it('a bad cron or zone is one line naming the variable', () => {
    expect(() => checkSchedule({ cron: 'bad', tz: 'UTC' })).toThrow(/^invalid REANALYSIS_CRON "bad"/);
    expect(() => checkSchedule({ cron: '0 0 6 1 1 *', tz: 'Mars/Olympus' })).toThrow('unknown time zone "Mars/Olympus" (REANALYSIS_TZ)');
  });
});
