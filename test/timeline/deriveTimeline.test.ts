// The contract's timeline table and its edge cases, one behaviour per test.
import { describe, expect, it } from 'vitest';
import { deriveTimeline, NO_REGISTRATION, parseCutoff } from '../../src/timeline/index.ts';
import type { StoredEvent, Timeline } from '../../src/timeline/index.ts';
import { baseline, clinical, registration, retraction, stored } from './build.ts';

const CUTOFF = parseCutoff('2022-12-31');

function timelineOf(events: StoredEvent[], cutoff = CUTOFF): Timeline {
  const result = deriveTimeline(events, cutoff);
  if (result.timeline === null) throw new Error(result.reason);
  return result.timeline;
}

const reg = registration('reg-1', '2020-01-10');

describe('endpoints (the contract table)', () => {
  it('a registration alone: every endpoint censored at PTR, day 0', () => {
    const t = timelineOf([reg]);
    expect(t.ptrDate).toBe('2020-01-10');
    expect(t.lastKnownDate).toBe('2020-01-10');
    for (const endpoint of [t.os, t.pfs, t.lrr, t.dp]) expect(endpoint).toEqual({ days: 0, status: 0, date: '2020-01-10' });
  });

  it('censors at the last known date: the latest counted occurredOn', () => {
    const t = timelineOf([reg, clinical('last_contact', 'lc-1', '2021-01-10'), clinical('last_contact', 'lc-2', '2020-06-01')]);
    expect(t.lastKnownDate).toBe('2021-01-10');
    expect(t.os).toEqual({ days: 366, status: 0, date: '2021-01-10' });
    expect(t.lrr).toEqual({ days: 366, status: 0, date: '2021-01-10' });
  });

  it('OS: first death is the event; days from PTR', () => {
    const t = timelineOf([reg, clinical('death', 'd-1', '2021-03-01')]);
    expect(t.os).toEqual({ days: 416, status: 1, date: '2021-03-01' });
    expect(t.deathDate).toBe('2021-03-01');
    expect(t.lastKnownDate).toBe('2021-03-01');
  });

  it('PFS: the first of lrr, dp, progression, death', () => {
    const events = [reg, clinical('dp', 'dp-1', '2020-09-01'), clinical('progression', 'pg-1', '2020-05-01'), clinical('death', 'd-1', '2021-01-01')];
    expect(timelineOf(events).pfs).toEqual({ days: 112, status: 1, date: '2020-05-01' });
    expect(timelineOf([reg, clinical('death', 'd-1', '2021-01-01')]).pfs).toMatchObject({ status: 1, date: '2021-01-01' });
  });

  it('progression counts for PFS only', () => {
    const t = timelineOf([reg, clinical('progression', 'pg-1', '2020-05-01'), clinical('last_contact', 'lc', '2020-08-01')]);
    expect(t.pfs.status).toBe(1);
    expect([t.os.status, t.lrr.status, t.dp.status]).toEqual([0, 0, 0]);
  });

  it('LRR: first lrr is the event; a later death is OS only', () => {
    const t = timelineOf([reg, clinical('lrr', 'l-2', '2020-12-01'), clinical('lrr', 'l-1', '2020-04-01'), clinical('death', 'd', '2021-02-01')]);
    expect(t.lrr).toEqual({ days: 82, status: 1, date: '2020-04-01' });
    expect(t.os.status).toBe(1);
    expect(t.dp).toEqual({ days: 388, status: 2, date: '2021-02-01' });
  });

  it('LRR and DP: death before any lrr/dp is competing (status 2) at the death date', () => {
    const t = timelineOf([reg, clinical('death', 'd', '2020-03-10')]);
    expect(t.lrr).toEqual({ days: 60, status: 2, date: '2020-03-10' });
    expect(t.dp).toEqual({ days: 60, status: 2, date: '2020-03-10' });
  });

  it('LRR and DP on the same day: both events, and PFS on that day', () => {
    const t = timelineOf([reg, clinical('lrr', 'l', '2020-07-01'), clinical('dp', 'p', '2020-07-01')]);
    expect(t.lrr).toEqual({ days: 173, status: 1, date: '2020-07-01' });
    expect(t.dp).toEqual({ days: 173, status: 1, date: '2020-07-01' });
    expect(t.pfs).toEqual({ days: 173, status: 1, date: '2020-07-01' });
  });

  it('an lrr on the day of death is applied: LRR status 1, not competing', () => {
    const t = timelineOf([reg, clinical('lrr', 'l', '2020-07-01'), clinical('death', 'd', '2020-07-01')]);
    expect(t.lrr.status).toBe(1);
    expect(t.dp.status).toBe(2);
    expect(t.conflicts).toEqual([]);
  });

  it('an event on the PTR day is day 0', () => {
    expect(timelineOf([reg, clinical('dp', 'p', '2020-01-10')]).dp).toEqual({ days: 0, status: 1, date: '2020-01-10' });
  });

  it('counts days across a leap day', () => {
    const leap = registration('reg-l', '2020-02-28');
    expect(timelineOf([leap, clinical('death', 'd', '2020-03-01')]).os.days).toBe(2);
    const plain = registration('reg-p', '2021-02-28');
    expect(timelineOf([plain, clinical('death', 'd', '2021-03-01')]).os.days).toBe(1);
  });
});

describe('as of a cutoff', () => {
  it('ignores events reported after the cutoff', () => {
    const late = clinical('death', 'd', '2022-12-20', '2023-01-05T09:00:00Z');
    const t = timelineOf([reg, late]);
    expect(t.os.status).toBe(0);
    expect(t.counts).toMatchObject({ notYetReported: 1, counted: 1 });
    expect(timelineOf([reg, late], parseCutoff('2023-01-05')).os.status).toBe(1);
  });

  it('a date cutoff is 23:59:59Z of that UTC day, as the contract writes it', () => {
    const cutoff = parseCutoff('2021-06-30');
    expect(timelineOf([reg, clinical('death', 'd', '2021-06-30', '2021-06-30T23:59:59Z')], cutoff).os.status).toBe(1);
    expect(timelineOf([reg, clinical('death', 'd', '2021-06-30', '2021-06-30T23:59:59.500Z')], cutoff).os.status).toBe(0);
    expect(timelineOf([reg, clinical('death', 'd', '2021-06-30', '2021-07-01T00:00:00Z')], cutoff).os.status).toBe(0);
  });

  it('compares reportedAt as an instant: +09:00 on the next local day can be before a UTC cutoff', () => {
    const cutoff = parseCutoff('2021-06-30');
    // 2021-07-01T08:00+09:00 is 2021-06-30T23:00Z: reported by the cutoff, although dated July 1 locally.
    const death = clinical('death', 'd', '2021-07-01', '2021-07-01T08:00:00+09:00');
    expect(timelineOf([reg, death], cutoff).os).toEqual({ days: 538, status: 1, date: '2021-07-01' });
    const westward = clinical('death', 'd', '2021-06-30', '2021-06-30T20:00:00-05:00'); // 2021-07-01T01:00Z
    expect(timelineOf([reg, westward], cutoff).os.status).toBe(0);
  });

  it('a patient whose registration is reported after the cutoff has no timeline', () => {
    const late = registration('reg-late', '2022-12-01', '2023-01-02T00:00:00Z');
    expect(deriveTimeline([late, clinical('last_contact', 'lc', '2022-12-20')], CUTOFF)).toEqual({ timeline: null, reason: NO_REGISTRATION });
  });

  it('no events at all: no timeline', () => {
    expect(deriveTimeline([], CUTOFF)).toEqual({ timeline: null, reason: 'no registration as of cutoff' });
  });

  it('events waiting for their registration: no timeline', () => {
    expect(deriveTimeline([clinical('lrr', 'l', '2020-05-01')], CUTOFF).reason).toBe(NO_REGISTRATION);
  });
});

describe('retractions', () => {
  const lrr = clinical('lrr', 'l-1', '2020-05-01', '2020-05-03T10:00:00Z');
  const retractLrr = retraction('rt-1', 'l-1', '2021-02-01T10:00:00Z');

  it('a retracted event does not count', () => {
    const t = timelineOf([reg, lrr, retractLrr]);
    expect(t.lrr.status).toBe(0);
    expect(t.counts).toMatchObject({ retracted: 1, retractions: 1, counted: 1 });
  });

  it('the retracted event stops counting from the retraction\'s reportedAt on', () => {
    expect(timelineOf([reg, lrr, retractLrr], new Date('2021-02-01T09:59:59.999Z')).lrr.status).toBe(1);
    expect(timelineOf([reg, lrr, retractLrr], new Date('2021-02-01T10:00:00.000Z')).lrr.status).toBe(0);
  });

  it('a retraction reported after the cutoff does not count', () => {
    const t = timelineOf([reg, lrr, retraction('rt-1', 'l-1', '2023-03-01T00:00:00Z')]);
    expect(t.lrr.status).toBe(1);
    expect(t.counts).toMatchObject({ retracted: 0, notYetReported: 1 });
  });

  it('a retraction reported before its target still retracts it', () => {
    const early = retraction('rt-0', 'l-1', '2020-05-02T00:00:00Z');
    expect(timelineOf([early, reg, lrr]).lrr.status).toBe(0);
  });

  it('retracting the current registration falls back to the previous one', () => {
    const correction = registration('reg-2', '2020-01-20', '2020-03-01T00:00:00Z');
    const t = timelineOf([reg, correction, retraction('rt-r', 'reg-2', '2020-04-01T00:00:00Z')]);
    expect(t.registrationEventId).toBe('reg-1');
    expect(t.ptrDate).toBe('2020-01-10');
  });

  it('retracting the only registration leaves no timeline', () => {
    expect(deriveTimeline([reg, retraction('rt-r', 'reg-1', '2020-04-01T00:00:00Z')], CUTOFF).reason).toBe(NO_REGISTRATION);
  });

  it('a retraction of a retraction is a conflict; the first retraction stands', () => {
    const again = retraction('rt-2', 'rt-1', '2021-03-01T00:00:00Z');
    const t = timelineOf([reg, lrr, retractLrr, again]);
    expect(t.lrr.status).toBe(0);
    expect(t.conflicts).toEqual([{
      eventId: 'rt-2', type: 'retraction', occurredOn: '2021-03-01', kind: 'retracts_retraction',
      reason: 'retraction of rt-1, which is itself a retraction; report the event again under a new eventId instead',
    }]);
  });

  it('a retraction of an unknown event is a conflict that changes nothing', () => {
    const t = timelineOf([reg, lrr, retraction('rt-x', 'nope', '2021-03-01T00:00:00Z')]);
    expect(t.lrr.status).toBe(1);
    expect(t.conflicts).toMatchObject([{ eventId: 'rt-x', kind: 'retraction_target_missing' }]);
  });

  it('retractions are never before-PTR or after-death conflicts', () => {
    const t = timelineOf([reg, clinical('death', 'd', '2020-03-01'), lrr, retraction('rt-1', 'l-1', '2021-02-01T10:00:00Z')]);
    expect(t.conflicts).toEqual([]);
  });
});

describe('corrections (later registrations)', () => {
  const correction = registration('reg-2', '2020-01-20', '2020-06-01T00:00:00Z', { tCategory: 'T3' });

  it('the registration reported last is the baseline; the replaced one is history', () => {
    const t = timelineOf([correction, reg, clinical('death', 'd', '2020-03-01')]);
    expect(t.registrationEventId).toBe('reg-2');
    expect(t.baseline.tCategory).toBe('T3');
    expect(t.ptrDate).toBe('2020-01-20');
    expect(t.os.days).toBe(41);
    expect(t.history).toEqual([{ eventId: 'reg-1', reportedAt: new Date('2020-01-10T12:00:00Z'), ptrDate: '2020-01-10', baseline }]);
    expect(t.counts).toMatchObject({ superseded: 1, counted: 2 });
  });

  it('"later" is by reportedAt, not by PTR date', () => {
    const backdated = registration('reg-3', '2019-12-01', '2020-07-01T00:00:00Z');
    expect(timelineOf([reg, correction, backdated]).ptrDate).toBe('2019-12-01');
  });

  it('ties on reportedAt go to the larger eventId', () => {
    const a = registration('reg-a', '2020-01-01', '2020-02-01T00:00:00Z');
    const b = registration('reg-b', '2020-01-02', '2020-02-01T00:00:00Z');
    expect(timelineOf([b, a]).registrationEventId).toBe('reg-b');
    expect(timelineOf([a, b]).registrationEventId).toBe('reg-b');
  });

  it('a correction reported after the cutoff does not count yet', () => {
    expect(timelineOf([reg, correction], parseCutoff('2020-05-31')).registrationEventId).toBe('reg-1');
  });

  it('the centre is the current registration\'s', () => {
    const moved = stored({ eventId: 'reg-c', type: 'registration', occurredOn: '2020-01-10', reportedAt: '2020-09-01T00:00:00Z', centre: 'KR02', baseline });
    expect(timelineOf([reg, moved]).centre).toBe('KR02');
    const noCentre = registration('reg-n', '2020-01-10');
    expect(timelineOf([noCentre]).centre).toBeNull();
  });
});

describe('data-quality conflicts', () => {
  it('an event before PTR is not applied and is listed with its reason', () => {
    const t = timelineOf([reg, clinical('lrr', 'l-0', '2019-12-01'), clinical('last_contact', 'lc', '2020-04-01')]);
    expect(t.lrr.status).toBe(0);
    expect(t.conflicts).toEqual([{ eventId: 'l-0', type: 'lrr', occurredOn: '2019-12-01', kind: 'before_ptr', reason: 'lrr on 2019-12-01 is before the PTR date 2020-01-10' }]);
  });

  it('an event after the recorded death is not applied and is listed with its reason', () => {
    const t = timelineOf([reg, clinical('death', 'd', '2020-06-01'), clinical('last_contact', 'lc', '2020-07-01'), clinical('dp', 'p', '2020-08-01')]);
    expect(t.lastKnownDate).toBe('2020-06-01');
    expect(t.dp.status).toBe(2);
    expect(t.conflicts.map((c) => c.reason)).toEqual([
      'last contact on 2020-07-01 is after the recorded death on 2020-06-01',
      'dp on 2020-08-01 is after the recorded death on 2020-06-01',
    ]);
  });

  it('a second, later death is after the recorded (first) death', () => {
    const t = timelineOf([reg, clinical('death', 'd-2', '2020-09-01'), clinical('death', 'd-1', '2020-06-01')]);
    expect(t.os.date).toBe('2020-06-01');
    expect(t.conflicts).toMatchObject([{ eventId: 'd-2', kind: 'after_death' }]);
  });

  it('a death before PTR is a conflict and the patient is alive on the timeline', () => {
    const t = timelineOf([reg, clinical('death', 'd', '2019-11-01'), clinical('last_contact', 'lc', '2020-05-01')]);
    expect(t.os).toEqual({ days: 112, status: 0, date: '2020-05-01' });
    expect(t.conflicts).toMatchObject([{ eventId: 'd', kind: 'before_ptr' }]);
  });

  it('a correction of the PTR date re-decides which events conflict', () => {
    const lrr = clinical('lrr', 'l', '2020-01-15');
    expect(timelineOf([reg, lrr]).lrr.status).toBe(1);
    const later = registration('reg-2', '2020-02-01', '2020-03-01T00:00:00Z');
    const t = timelineOf([reg, lrr, later]);
    expect(t.lrr.status).toBe(0);
    expect(t.conflicts).toMatchObject([{ eventId: 'l', kind: 'before_ptr' }]);
  });
});

describe('counts', () => {
  it('every event is counted once: total = counted + ignored, and ignored splits by cause', () => {
    const events = [
      reg,
      registration('reg-2', '2020-01-10', '2020-02-01T00:00:00Z'),
      clinical('lrr', 'l', '2020-03-01'),
      clinical('dp', 'p', '2019-03-01'),
      clinical('death', 'd', '2020-05-01'),
      clinical('last_contact', 'lc', '2020-06-01'),
      clinical('progression', 'pg', '2020-04-01'),
      retraction('rt', 'pg', '2020-05-05T00:00:00Z'),
      retraction('rt-bad', 'ghost', '2020-05-05T00:00:00Z'),
      clinical('last_contact', 'late', '2022-12-30', '2023-01-01T00:00:00Z'),
    ];
    const { counts } = timelineOf(events);
    expect(counts).toEqual({ total: 10, counted: 3, ignored: 7, notYetReported: 1, retracted: 1, retractions: 1, superseded: 1, conflicts: 3 });
    expect(counts.counted + counts.notYetReported + counts.retracted + counts.retractions + counts.superseded + counts.conflicts).toBe(counts.total);
  });
});

describe('misuse', () => {
  it('refuses events of several patients', () => {
    const other = stored({ patientId: 'P-002', eventId: 'x', type: 'last_contact', occurredOn: '2020-02-01', reportedAt: '2020-02-01T00:00:00Z' });
    expect(() => deriveTimeline([reg, other], CUTOFF)).toThrow('deriveTimeline takes the events of one patient');
  });

  it('refuses the same eventId twice', () => {
    expect(() => deriveTimeline([reg, reg], CUTOFF)).toThrow('deriveTimeline got eventId reg-1 twice');
  });

  it('refuses an invalid cutoff', () => {
    expect(() => deriveTimeline([reg], new Date('nope'))).toThrow('valid cutoff');
  });
});
