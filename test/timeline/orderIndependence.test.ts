// "The end state depends only on the set of events": every permutation of small tricky sets, and
// seeded random sets in random orders, give the same timeline at several cutoffs.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deriveTimeline, parseCutoff } from '../../src/timeline/index.ts';
import type { StoredEvent, TimelineResult } from '../../src/timeline/index.ts';
import { clinical, registration, retraction, stored } from './build.ts';

function* permutations<T>(items: readonly T[]): Generator<T[]> {
  if (items.length <= 1) { yield [...items]; return; }
  for (let i = 0; i < items.length; i++) {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const tail of permutations(rest)) yield [items[i], ...tail];
  }
}

const CUTOFFS = ['2020-03-31', '2020-06-30', '2021-12-31'].map(parseCutoff);

function allPermutationsAgree(events: readonly StoredEvent[], cutoffs: readonly Date[] = CUTOFFS): number {
  let checked = 0;
  for (const cutoff of cutoffs) {
    const expected = deriveTimeline(events, cutoff);
    for (const order of permutations(events)) {
      expect(deriveTimeline(order, cutoff)).toEqual(expected);
      checked++;
    }
  }
  return checked;
}

describe('every permutation of small sets', () => {
  it('retraction before its target, a correction, competing death, an event after death (6 events, 720 orders)', () => {
    const events = [
      registration('reg-1', '2020-01-10', '2020-01-20T00:00:00Z'),
      registration('reg-2', '2020-01-12', '2020-05-01T00:00:00+09:00', { tCategory: 'T4' }),
      retraction('rt-1', 'lrr-1', '2020-04-01T00:00:00Z'),
      clinical('lrr', 'lrr-1', '2020-03-01', '2020-04-02T00:00:00Z'),
      clinical('death', 'de-1', '2020-06-01'),
      clinical('last_contact', 'lc-1', '2020-07-01'),
    ];
    expect(allPermutationsAgree(events)).toBe(3 * 720);
    expect(deriveTimeline(events, CUTOFFS[2]).timeline).toMatchObject({
      registrationEventId: 'reg-2', lrr: { status: 2 }, os: { status: 1, date: '2020-06-01' },
    });
  });

  it('registrations tied on reportedAt, same-day lrr and dp, an event before PTR (6 events)', () => {
    const at = '2020-02-01T00:00:00Z';
    const events = [
      registration('reg-a', '2020-01-10', at),
      registration('reg-b', '2020-01-11', at),
      clinical('lrr', 'l', '2020-03-01'),
      clinical('dp', 'p', '2020-03-01'),
      clinical('progression', 'pg', '2020-01-10'),
      retraction('rt', 'rt-none', '2020-03-05T00:00:00Z'),
    ];
    expect(allPermutationsAgree(events, [CUTOFFS[2]])).toBe(720);
  });
});

// Random sets: up to 3 registrations, up to 8 clinical events, up to 3 retractions of random targets
// (including missing ones and other retractions), reportedAt from 0 to 400 days after occurredOn.
const EPOCH = Date.UTC(2019, 0, 1);
const day = (n: number) => new Date(EPOCH + n * 86_400_000).toISOString().slice(0, 10);
const clinicalTypes = ['lrr', 'dp', 'progression', 'death', 'last_contact'] as const;

const eventSet = fc.record({
  registrations: fc.array(fc.record({ on: fc.integer({ min: 0, max: 60 }), delay: fc.integer({ min: 0, max: 400 }) }), { minLength: 0, maxLength: 3 }),
  clinical: fc.array(fc.record({
    type: fc.constantFrom(...clinicalTypes), on: fc.integer({ min: 0, max: 900 }), delay: fc.integer({ min: 0, max: 400 }),
  }), { maxLength: 8 }),
  retractions: fc.array(fc.record({ target: fc.nat(), at: fc.integer({ min: 0, max: 1400 }) }), { maxLength: 3 }),
}).map(({ registrations, clinical: course, retractions }) => {
  const events: StoredEvent[] = [];
  registrations.forEach((r, i) => events.push(registration(`reg-${i}`, day(r.on), `${day(r.on + r.delay)}T06:00:00Z`)));
  course.forEach((c, i) => events.push(clinical(c.type, `${c.type}-${i}`, day(c.on), `${day(c.on + c.delay)}T18:00:00+05:30`)));
  const retractionIds = retractions.map((_r, i) => `rt-${i}`);
  const ids = [...events.map((e) => e.eventId), 'ghost'];
  retractions.forEach((r, i) => {
    const targets = [...ids, ...retractionIds.filter((id) => id !== retractionIds[i])];
    events.push(retraction(retractionIds[i], targets[r.target % targets.length], `${day(r.at)}T12:00:00Z`));
  });
  return events;
});

function invariantsHold(result: TimelineResult): void {
  if (result.timeline === null) return;
  const t = result.timeline;
  for (const endpoint of [t.os, t.pfs, t.lrr, t.dp]) {
    expect(endpoint.days).toBeGreaterThanOrEqual(0);
    expect(endpoint.date <= t.lastKnownDate).toBe(true);
  }
  expect(t.pfs.days).toBeLessThanOrEqual(t.os.days);
  if (t.os.status === 1) expect(t.os.date).toBe(t.lastKnownDate);
  const c = t.counts;
  expect(c.counted + c.notYetReported + c.retracted + c.retractions + c.superseded + c.conflicts).toBe(c.total);
}

describe('random sets in random orders (fast-check, seeded)', () => {
  it('give the same timeline whatever the order, and keep the table\'s invariants', () => {
    const cutoffs = [...CUTOFFS, parseCutoff('2023-06-30')];
    fc.assert(fc.property(eventSet, fc.integer({ min: 0, max: cutoffs.length - 1 }), fc.func(fc.integer()), (events, c, key) => {
      const cutoff = cutoffs[c];
      const shuffled = events.map((event, i) => ({ event, rank: key(i) })).sort((a, b) => a.rank - b.rank).map((x) => x.event);
      const expected = deriveTimeline(events, cutoff);
      expect(deriveTimeline(shuffled, cutoff)).toEqual(expected);
      expect(deriveTimeline([...events].reverse(), cutoff)).toEqual(expected);
      invariantsHold(expected);
    }), { seed: 426, numRuns: 250 });
  });
});

describe('fixtures are what they claim', () => {
  it('builds valid events', () => {
    expect(() => stored({ eventId: 'bad id', type: 'progression', occurredOn: '2020-01-01', reportedAt: '2020-01-01T00:00:00Z' })).toThrow('test event is invalid');
  });
});
