import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../src/contract/index.ts';
import { resolveOptions, simulateEvents, simulationTruth, SCENARIO_NAMES } from '../../src/sim/index.ts';
import type { PatientTruth, SimEvent, SimulationOptions } from '../../src/sim/index.ts';

function collect(options: SimulationOptions): { events: SimEvent[]; truths: PatientTruth[] } {
  const truths: PatientTruth[] = [];
  const events = [...simulateEvents(options, (t) => truths.push(t))];
  return { events, truths };
}

const ndjson = (events: readonly SimEvent[]): string => events.map((e) => JSON.stringify(e)).join('\n');

describe('simulateEvents: a seeded, deterministic registry', () => {
  it('gives identical bytes for the same seed and different bytes for another seed', () => {
    const a = ndjson([...simulateEvents({ seed: 11, patients: 300 })]);
    const b = ndjson([...simulateEvents({ seed: 11, patients: 300 })]);
    const c = ndjson([...simulateEvents({ seed: 12, patients: 300 })]);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it.each(SCENARIO_NAMES)('emits only events the contract accepts (scenario %s)', (scenario) => {
    const { events } = collect({ seed: 5, patients: 500, scenario });
    const rejected = events.map((e) => validateEvent(JSON.parse(JSON.stringify(e)) as unknown)).filter((r) => !r.ok);
    expect(rejected).toEqual([]);
  });

  it('emits events in reportedAt order', () => {
    const { events } = collect({ seed: 6, patients: 2000 });
    const instants = events.map((e) => Date.parse(e.reportedAt));
    const outOfOrder = instants.findIndex((t, i) => i > 0 && t < instants[i - 1]);
    expect(outOfOrder).toBe(-1);
  });

  it('exercises every event type, corrections, retractions and duplicate deliveries', () => {
    const { events } = collect({ seed: 7, patients: 3000 });
    const types = new Set(events.map((e) => e.type));
    expect([...types].sort()).toEqual(['death', 'dp', 'last_contact', 'lrr', 'progression', 'registration', 'retraction']);
    const ids = events.map((e) => e.eventId);
    const duplicates = ids.length - new Set(ids).size;
    expect(duplicates / ids.length).toBeGreaterThan(0.005);
    expect(duplicates / ids.length).toBeLessThan(0.02);
    // A redelivery is the identical event, next to the first delivery.
    const firstRepeat = ids.findIndex((id, i) => i > 0 && id === ids[i - 1]);
    expect(JSON.stringify(events[firstRepeat])).toBe(JSON.stringify(events[firstRepeat - 1]));
    const registrations = new Map<string, number>();
    for (const e of events) if (e.type === 'registration') registrations.set(e.eventId, (registrations.get(e.eventId) ?? 0) + 1);
    const corrected = new Set([...registrations.keys()].filter((id) => id.endsWith('-reg-c1')).map((id) => id.slice(0, -7)));
    expect(corrected.size / 3000).toBeGreaterThan(0.02);
    const retracted = new Set(events.flatMap((e) => (e.type === 'retraction' ? [e.retracts] : [])));
    expect(retracted.size).toBeGreaterThan(20);
    for (const id of retracted) expect(ids).toContain(id);
  });

  it('as of an earlier administrative end is exactly a prefix of the registry as of a later one', () => {
    const end = '2012-12-31';
    const early = ndjson([...simulateEvents({ seed: 13, patients: 600, adminEnd: end })]);
    const later = [...simulateEvents({ seed: 13, patients: 600 })].filter((e) => e.occurredOn <= end && e.reportedAt.slice(0, 10) <= end);
    expect(early).toBe(ndjson(later));
  });

  it('never reports or dates anything after the administrative end', () => {
    const { events } = collect({ seed: 8, patients: 1000, adminEnd: '2016-06-30' });
    expect(events.every((e) => e.occurredOn <= '2016-06-30' && e.reportedAt.slice(0, 10) <= '2016-06-30')).toBe(true);
    expect(events.length).toBeGreaterThan(1000);
  });

  it('accrues PTR dates from Oct 2000 to Dec 2015 in patient order, more in later years', () => {
    const { truths } = collect({ seed: 9, patients: 4000, adminEnd: '2016-01-01' });
    const dates = truths.map((t) => t.ptrDate);
    expect(dates[0] >= '2000-10-01').toBe(true);
    expect(dates[dates.length - 1] <= '2015-12-31').toBe(true);
    expect(dates.every((d, i) => i === 0 || d >= dates[i - 1])).toBe(true);
    const early = dates.filter((d) => d < '2006-01-01').length;
    const late = dates.filter((d) => d >= '2011-01-01').length;
    expect(late).toBeGreaterThan(1.5 * early);
  });

  it('rejects bad options with one-line messages', () => {
    expect(() => resolveOptions({ seed: -1, patients: 10 })).toThrow('seed -1 must be an integer 0..4294967295');
    expect(() => resolveOptions({ seed: 1, patients: 1_000_001 })).toThrow('patients 1000001 must be an integer 1..1000000');
    expect(() => resolveOptions({ seed: 1, patients: 10, adminEnd: '2020-02-30' })).toThrow('"2020-02-30" is not a calendar date');
    expect(() => resolveOptions({ seed: 1, patients: 10, adminEnd: '1999-01-01' })).toThrow('adminEnd 1999-01-01 must be on or after 2000-10-01 (the first PTR)');
    expect(resolveOptions({ seed: 1, patients: 426 })).toEqual({ seed: 1, patients: 426, scenario: 'paper', adminEnd: '2026-09-30' });
  });
});

describe('simulated cohort structure', () => {
  it('has the paper subgroup proportions (193/171/49 + 13 of 426) and PORT in ~250 of 426', () => {
    const n = 8000;
    const subgroup = { group1: 0, group2: 0, group3: 0 };
    let port = 0;
    let unrecorded = 0;
    for (const e of simulateEvents({ seed: 21, patients: n, adminEnd: '2016-01-01' }, (t) => {
      subgroup[t.subgroup]++;
      if (t.port) port++;
    })) {
      if (e.type === 'registration' && !e.eventId.endsWith('-c1')) {
        const b = e.baseline;
        if (b.tCategory === null || b.er === null) unrecorded++;
      }
    }
    expect(Math.abs(subgroup.group1 / n - 193 / 413)).toBeLessThan(0.015);
    expect(Math.abs(subgroup.group2 / n - 171 / 413)).toBeLessThan(0.015);
    expect(Math.abs(subgroup.group3 / n - 49 / 413)).toBeLessThan(0.01);
    expect(Math.abs(unrecorded / n - 13 / 426)).toBeLessThan(0.006);
    expect(Math.abs(port / n - 250 / 426)).toBeLessThan(0.03);
  });
});

describe('scenario knobs', () => {
  it('null: every true PORT hazard ratio is 1, for every patient', () => {
    const truth = simulationTruth(resolveOptions({ seed: 1, patients: 10, scenario: 'null' }));
    for (const effect of Object.values(truth.portHazardRatios)) expect(effect).toEqual({ distant: 1, locoregional: 1, afterProgression: 1 });
    const { truths } = collect({ seed: 1, patients: 500, scenario: 'null' });
    expect(truths.every((t) => t.portEffect.distant === 1 && t.portEffect.locoregional === 1 && t.portEffect.afterProgression === 1)).toBe(true);
  });

  it('paper: strongest PORT effect in group 1, none in TNBC', () => {
    const { portHazardRatios: hr } = simulationTruth(resolveOptions({ seed: 1, patients: 10 }));
    expect(hr.group3).toEqual({ distant: 1, locoregional: 1, afterProgression: 1 });
    expect(hr.group1.distant).toBeLessThan(hr.group2.distant);
    expect(hr.group1.locoregional).toBeLessThan(1);
    expect(hr.group1.afterProgression).toBeLessThan(hr.group2.afterProgression);
  });

  it('emerging: group 1 has no PORT effect before 2008 and a strong one after; other groups null', () => {
    const { truths } = collect({ seed: 3, patients: 3000, scenario: 'emerging', adminEnd: '2016-01-01' });
    const group1 = truths.filter((t) => t.subgroup === 'group1');
    const before = group1.filter((t) => t.ptrDate < '2008-01-01');
    const after = group1.filter((t) => t.ptrDate >= '2008-01-01');
    expect(before.length).toBeGreaterThan(100);
    expect(before.every((t) => t.portEffect.distant === 1)).toBe(true);
    expect(after.every((t) => t.portEffect.distant < 0.6)).toBe(true);
    expect(truths.filter((t) => t.subgroup !== 'group1').every((t) => t.portEffect.distant === 1)).toBe(true);
  });
});
