// The contract's rules, one test each: what is accepted, and the exact reason for what is not.
import { describe, expect, it } from 'vitest';
import { compile } from 'zod';
import { followUpEventSchema, validateEvent } from '../../src/contract/index.ts';
import { compiledEventSchema } from '../../src/contract/validateEvent.ts';
import { simulateEvents } from '../../src/sim/index.ts';
import { validEvents, withBaseline, withFields } from './events.ts';

function reasonFor(raw: unknown): string {
  const result = validateEvent(raw);
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.event)}`);
  return result.reason;
}

describe('every event type', () => {
  it.each(Object.entries(validEvents))('accepts a valid %s event as it was sent', (_type, event) => {
    const result = validateEvent(event);
    expect(result).toEqual({ ok: true, event });
  });

  it('rejects an unknown type, naming the allowed ones', () => {
    expect(reasonFor(withFields(validEvents.progression, { type: 'relapse' }))).toBe(
      'type "relapse" must be one of registration, lrr, dp, progression, death, last_contact, retraction');
  });

  it('rejects an event without a type', () => {
    expect(reasonFor(withFields(validEvents.progression, { type: undefined }))).toMatch(/^type is missing: it must be one of registration/);
  });

  it('rejects anything that is not an object', () => {
    expect(reasonFor(42)).toBe('event must be a JSON object (got 42)');
    expect(reasonFor(null)).toBe('event must be a JSON object (got null)');
    expect(reasonFor([validEvents.death])).toBe('event must be a JSON object (got an array of 1)');
    expect(reasonFor('{"type":"death"}')).toMatch(/^event must be a JSON object \(got "/);
  });
});

describe('common fields', () => {
  it('eventId: 1-128 characters of A-Z a-z 0-9 . _ : -', () => {
    expect(validateEvent(withFields(validEvents.death, { eventId: 'a'.repeat(128) })).ok).toBe(true);
    expect(validateEvent(withFields(validEvents.death, { eventId: 'KR01:2020.03_x-1' })).ok).toBe(true);
    expect(reasonFor(withFields(validEvents.death, { eventId: '' }))).toBe('eventId "" must be 1-128 characters of A-Z a-z 0-9 . _ : -');
    expect(reasonFor(withFields(validEvents.death, { eventId: 'a'.repeat(129) }))).toMatch(/^eventId "a{40}…" \(129 characters\) must be 1-128/);
    expect(reasonFor(withFields(validEvents.death, { eventId: 'e 1' }))).toMatch(/^eventId "e 1" must be/);
    expect(reasonFor(withFields(validEvents.death, { eventId: 'é1' }))).toMatch(/^eventId "é1" must be/);
    expect(reasonFor(withFields(validEvents.death, { eventId: undefined }))).toBe(
      'eventId is missing: it must be 1-128 characters of A-Z a-z 0-9 . _ : -');
  });

  it('eventId must be a string, not a number', () => {
    expect(reasonFor(withFields(validEvents.death, { eventId: 12345 }))).toBe('eventId 12345 must be 1-128 characters of A-Z a-z 0-9 . _ : -');
  });

  it('patientId: 1-64 characters of the same set', () => {
    expect(validateEvent(withFields(validEvents.death, { patientId: 'p'.repeat(64) })).ok).toBe(true);
    expect(reasonFor(withFields(validEvents.death, { patientId: 'p'.repeat(65) }))).toMatch(/^patientId "p{40}…" \(65 characters\) must be 1-64 characters/);
    expect(reasonFor(withFields(validEvents.death, { patientId: 'Kim, Jiyoung' }))).toBe(
      'patientId "Kim, Jiyoung" must be 1-64 characters of A-Z a-z 0-9 . _ : -');
  });

  it('occurredOn: YYYY-MM-DD', () => {
    expect(reasonFor(withFields(validEvents.death, { occurredOn: '2020-2-1' }))).toBe('occurredOn "2020-2-1" must be a date YYYY-MM-DD');
    expect(reasonFor(withFields(validEvents.death, { occurredOn: '2020-02-01T00:00:00Z' }))).toBe(
      'occurredOn "2020-02-01T00:00:00Z" must be a date YYYY-MM-DD');
    expect(reasonFor(withFields(validEvents.death, { occurredOn: 20200201 }))).toBe('occurredOn 20200201 must be a date YYYY-MM-DD');
  });

  it('occurredOn: a real calendar date', () => {
    expect(reasonFor(withFields(validEvents.death, { occurredOn: '2011-02-30' }))).toBe('occurredOn 2011-02-30 is not a calendar date');
    expect(reasonFor(withFields(validEvents.death, { occurredOn: '2019-13-01' }))).toBe('occurredOn 2019-13-01 is not a calendar date');
    expect(reasonFor(withFields(validEvents.death, { occurredOn: '2019-04-31' }))).toBe('occurredOn 2019-04-31 is not a calendar date');
    expect(reasonFor(withFields(validEvents.death, { occurredOn: '2019-04-00' }))).toBe('occurredOn 2019-04-00 is not a calendar date');
  });

  it('reportedAt: an ISO-8601 date-time with offset', () => {
    expect(reasonFor(withFields(validEvents.death, { reportedAt: '2020-01-01' }))).toBe(
      'reportedAt "2020-01-01" must be an ISO-8601 date-time with offset');
    expect(reasonFor(withFields(validEvents.death, { reportedAt: '2020-03-01T09:30:00' }))).toBe(
      'reportedAt "2020-03-01T09:30:00" must be an ISO-8601 date-time with offset');
    expect(validateEvent(withFields(validEvents.death, { reportedAt: '2020-03-01T09:30:00Z' })).ok).toBe(true);
    expect(validateEvent(withFields(validEvents.death, { reportedAt: '2020-03-01T09:30:00.123456-05:00' })).ok).toBe(true);
  });

  it('reportedAt: a real instant (calendar day, time of day, offset)', () => {
    expect(reasonFor(withFields(validEvents.death, { reportedAt: '2019-02-29T10:00:00Z' }))).toBe(
      'reportedAt "2019-02-29T10:00:00Z" is not a calendar date-time (no such day)');
    expect(reasonFor(withFields(validEvents.death, { reportedAt: '2020-03-01T24:00:00Z' }))).toBe(
      'reportedAt "2020-03-01T24:00:00Z" is not a valid time of day');
    expect(reasonFor(withFields(validEvents.death, { reportedAt: '2020-03-01T23:59:60Z' }))).toBe(
      'reportedAt "2020-03-01T23:59:60Z" is not a valid time of day');
    expect(reasonFor(withFields(validEvents.death, { reportedAt: '2020-03-01T10:00:00+25:00' }))).toBe(
      'reportedAt "2020-03-01T10:00:00+25:00" has an offset out of range');
    expect(reasonFor(withFields(validEvents.death, { reportedAt: '2020-03-01T10:00:00-00:00' }))).toBe(
      'reportedAt "2020-03-01T10:00:00-00:00" has offset -00:00 (unknown local offset)');
  });

  it('occurredOn may not be later than the calendar date of reportedAt in its own offset', () => {
    expect(reasonFor(withFields(validEvents.lrr, { occurredOn: '2021-03-02', reportedAt: '2021-03-01T20:00:00+09:00' }))).toBe(
      'occurredOn 2021-03-02 is after the reporting date 2021-03-01 (reportedAt read in its own offset +09:00)');
    expect(validateEvent(withFields(validEvents.lrr, { occurredOn: '2021-03-01', reportedAt: '2021-03-01T00:00:00+09:00' })).ok).toBe(true);
  });

  it('centre: optional, 1-32 characters, no control characters', () => {
    expect(validateEvent(withFields(validEvents.death, { centre: undefined })).ok).toBe(true);
    expect(validateEvent(withFields(validEvents.death, { centre: 'Seoul National Univ. Hospital' })).ok).toBe(true);
    expect(reasonFor(withFields(validEvents.death, { centre: '' }))).toMatch(/^centre "" must be a non-blank string of 1-32 characters/);
    expect(reasonFor(withFields(validEvents.death, { centre: '   ' }))).toMatch(/^centre " {3}" must be a non-blank/);
    expect(reasonFor(withFields(validEvents.death, { centre: 'KR\n01' }))).toMatch(/^centre "KR\\n01" must be/);
    expect(reasonFor(withFields(validEvents.death, { centre: 'c'.repeat(33) }))).toMatch(/^centre "c+" must be/);
    expect(reasonFor(withFields(validEvents.death, { centre: null }))).toMatch(/^centre null must be .*\(omit it when unknown\)$/);
  });

  it('unknown fields are rejected (strict), at the top level and inside the baseline', () => {
    expect(reasonFor(withFields(validEvents.death, { foo: 1 }))).toBe('unknown field "foo"');
    expect(reasonFor(withFields(validEvents.death, { foo: 1, bar: 2 }))).toBe('unknown fields "foo", "bar"');
    expect(reasonFor(withBaseline({ grade: 3 }))).toBe('unknown field "baseline.grade"');
  });

  it('a misspelt field is reported as unknown rather than the real one as missing', () => {
    const misspelt = withFields(validEvents.death, { occurredOn: undefined, occuredOn: '2020-02-01' });
    expect(reasonFor(misspelt)).toBe('unknown field "occuredOn"');
  });

  it('a field of another event type is unknown', () => {
    expect(reasonFor(withFields(validEvents.progression, { sites: ['bone'] }))).toBe('unknown field "sites"');
  });
});

describe('registration', () => {
  it('needs a baseline object', () => {
    expect(reasonFor(withFields(validEvents.registration, { baseline: undefined }))).toBe(
      'baseline is missing: it must be an object with every baseline field');
    expect(reasonFor(withFields(validEvents.registration, { baseline: 'T2N1' }))).toBe(
      'baseline "T2N1" must be an object with every baseline field');
  });

  it('every baseline field is required; null states "unknown"', () => {
    expect(reasonFor(withBaseline({ boneOnly: undefined }))).toBe('baseline.boneOnly is missing: it must be a boolean or null');
    const allUnknown = withBaseline({
      ageAtPtr: null, tCategory: null, nCategory: null, er: null, pr: null, her2: null, metastasisCount: null,
      metastaticBurden: null, boneOnly: null, axillarySurgery: null, chemotherapy: null, hormonalTherapy: null,
      antiHer2: null, allMetastasesTreated: null, port: false, portStartedOn: null,
    });
    expect(validateEvent(allUnknown).ok).toBe(true);
  });

  it('ageAtPtr: integer 18-110 or null', () => {
    expect(validateEvent(withBaseline({ ageAtPtr: 18 })).ok).toBe(true);
    expect(validateEvent(withBaseline({ ageAtPtr: 110 })).ok).toBe(true);
    expect(reasonFor(withBaseline({ ageAtPtr: 17 }))).toBe('baseline.ageAtPtr 17 must be an integer 18-110 or null');
    expect(reasonFor(withBaseline({ ageAtPtr: 111 }))).toBe('baseline.ageAtPtr 111 must be an integer 18-110 or null');
    expect(reasonFor(withBaseline({ ageAtPtr: 52.5 }))).toBe('baseline.ageAtPtr 52.5 must be an integer 18-110 or null');
    expect(reasonFor(withBaseline({ ageAtPtr: '52' }))).toBe('baseline.ageAtPtr "52" must be an integer 18-110 or null');
  });

  it('tCategory T1-T4, nCategory N0-N3, or null', () => {
    expect(reasonFor(withBaseline({ tCategory: 'T0' }))).toBe('baseline.tCategory "T0" must be one of T1, T2, T3, T4 or null');
    expect(reasonFor(withBaseline({ tCategory: 't2' }))).toBe('baseline.tCategory "t2" must be one of T1, T2, T3, T4 or null');
    expect(reasonFor(withBaseline({ nCategory: 'N4' }))).toBe('baseline.nCategory "N4" must be one of N0, N1, N2, N3 or null');
  });

  it.each(['er', 'pr', 'her2', 'boneOnly', 'hormonalTherapy', 'antiHer2', 'allMetastasesTreated'])(
    '%s: boolean or null', (field) => {
      expect(validateEvent(withBaseline({ [field]: null })).ok).toBe(true);
      expect(validateEvent(withBaseline({ [field]: false })).ok).toBe(true);
      expect(reasonFor(withBaseline({ [field]: 'yes' }))).toBe(`baseline.${field} "yes" must be a boolean or null`);
      expect(reasonFor(withBaseline({ [field]: 1 }))).toBe(`baseline.${field} 1 must be a boolean or null`);
    });

  it('metastasisCount: integer >= 1 or null', () => {
    expect(reasonFor(withBaseline({ metastasisCount: 0 }))).toBe('baseline.metastasisCount 0 must be an integer >= 1 or null');
    expect(reasonFor(withBaseline({ metastasisCount: 1.5 }))).toBe('baseline.metastasisCount 1.5 must be an integer >= 1 or null');
  });

  it('metastaticBurden, axillarySurgery, chemotherapy: their values or null; ptrType required', () => {
    expect(reasonFor(withBaseline({ metastaticBurden: 'many' }))).toBe(
      'baseline.metastaticBurden "many" must be one of single, oligo, disseminated or null');
    expect(reasonFor(withBaseline({ axillarySurgery: 'both' }))).toBe('baseline.axillarySurgery "both" must be one of alnd, slnb, none or null');
    expect(reasonFor(withBaseline({ chemotherapy: 'adjuvant' }))).toBe(
      'baseline.chemotherapy "adjuvant" must be one of preop, postop, both, none or null');
    expect(reasonFor(withBaseline({ ptrType: null }))).toBe('baseline.ptrType null must be one of bcs, mastectomy');
  });

  it('port: a boolean (never null)', () => {
    expect(reasonFor(withBaseline({ port: null, portStartedOn: null }))).toBe('baseline.port null must be a boolean');
  });

  it('portStartedOn: a calendar date, only when port is true; may be null or omitted', () => {
    expect(validateEvent(withBaseline({ portStartedOn: null })).ok).toBe(true);
    expect(validateEvent(withBaseline({ portStartedOn: undefined })).ok).toBe(true);
    expect(validateEvent(withBaseline({ port: false, portStartedOn: null })).ok).toBe(true);
    expect(reasonFor(withBaseline({ port: false }))).toBe('portStartedOn is only allowed when port is true');
    expect(reasonFor(withBaseline({ portStartedOn: '2020-02-30' }))).toBe('baseline.portStartedOn 2020-02-30 is not a calendar date');
  });

  it('portStartedOn: not before the PTR (PORT is postoperative) nor after the reporting date', () => {
    expect(validateEvent(withBaseline({ portStartedOn: '2020-01-15' })).ok).toBe(true);
    expect(reasonFor(withBaseline({ portStartedOn: '2020-01-14' }))).toBe(
      'portStartedOn 2020-01-14 is before the PTR date 2020-01-15 (occurredOn); PORT is postoperative');
    expect(reasonFor(withBaseline({ portStartedOn: '2020-03-02' }))).toBe(
      'portStartedOn 2020-03-02 is after the reporting date 2020-03-01 (reportedAt read in its own offset +01:00)');
  });
});

describe('lrr', () => {
  it('sites: a non-empty array of locoregional sites', () => {
    expect(reasonFor(withFields(validEvents.lrr, { sites: ['axilla', 'liver'] }))).toBe('lrr site "liver" is not locoregional');
    expect(reasonFor(withFields(validEvents.lrr, { sites: [] }))).toBe(
      'sites [] must be a non-empty array of breast_chest_wall, axilla, supraclavicular, internal_mammary');
    expect(reasonFor(withFields(validEvents.lrr, { sites: undefined }))).toBe(
      'sites is missing: it must be a non-empty array of breast_chest_wall, axilla, supraclavicular, internal_mammary');
    expect(reasonFor(withFields(validEvents.lrr, { sites: 'axilla' }))).toBe(
      'sites "axilla" must be a non-empty array of breast_chest_wall, axilla, supraclavicular, internal_mammary');
  });

  it('inField: boolean or null, required', () => {
    expect(validateEvent(withFields(validEvents.lrr, { inField: null })).ok).toBe(true);
    expect(reasonFor(withFields(validEvents.lrr, { inField: undefined }))).toBe('inField is missing: it must be a boolean or null');
  });
});

describe('dp', () => {
  it('sites: optional array of distant sites', () => {
    expect(validateEvent(withFields(validEvents.dp, { sites: undefined })).ok).toBe(true);
    expect(validateEvent(withFields(validEvents.dp, { sites: [] })).ok).toBe(true);
    expect(reasonFor(withFields(validEvents.dp, { sites: ['axilla'] }))).toBe(
      'dp site "axilla" must be one of bone, lung, liver, brain, distant_node, other');
  });
});

describe('death', () => {
  it('cause: optional, breast_cancer, other or unknown', () => {
    expect(validateEvent(withFields(validEvents.death, { cause: undefined })).ok).toBe(true);
    expect(validateEvent(withFields(validEvents.death, { cause: 'unknown' })).ok).toBe(true);
    expect(reasonFor(withFields(validEvents.death, { cause: 'cardiac' }))).toBe(
      'cause "cardiac" must be one of breast_cancer, other, unknown (omit it when unknown)');
  });
});

describe('retraction', () => {
  it('retracts: an eventId; reason: non-blank text', () => {
    expect(reasonFor(withFields(validEvents.retraction, { retracts: undefined }))).toMatch(/^retracts is missing: it must be the retracted event's eventId/);
    expect(reasonFor(withFields(validEvents.retraction, { retracts: 'x y' }))).toMatch(/^retracts "x y" must be the retracted event's eventId/);
    expect(reasonFor(withFields(validEvents.retraction, { reason: ' ' }))).toBe(
      'reason " " must be a non-blank string of at most 500 characters');
    expect(reasonFor(withFields(validEvents.retraction, { reason: 'r'.repeat(501) }))).toMatch(/^reason "r{40}…" \(501 characters\) must be/);
  });

  it('cannot retract itself', () => {
    expect(reasonFor(withFields(validEvents.retraction, { retracts: 'rt-1' }))).toBe(
      'a retraction cannot retract itself (retracts equals eventId "rt-1")');
  });
});

describe('the rejection names the event when it can', () => {
  it('returns eventId and patientId when they are valid', () => {
    const result = validateEvent(withFields(validEvents.death, { occurredOn: '2011-02-30' }));
    expect(result).toEqual({ ok: false, reason: 'occurredOn 2011-02-30 is not a calendar date', code: 'invalidDate', eventId: 'de-1', patientId: 'KR-0001' });
  });

  it('codes why it rejected (what reports count by), never by reading the reason text', () => {
    const code = (raw: unknown) => { const r = validateEvent(raw); return r.ok ? null : r.code; };
    expect(code(withFields(validEvents.death, { type: 'stroke' }))).toBe('unknownEventType');
    expect(code(withFields(validEvents.death, { reportedAt: 'yesterday' }))).toBe('invalidDate');
    expect(code(withFields(validEvents.death, { occurredOn: '2030-01-01' }))).toBe('occurredAfterReported');
    expect(code(withFields(validEvents.death, { extra: 1 }))).toBe('schema');
    expect(code('not an object')).toBe('schema');
  });

  it('never echoes an invalid id as an id', () => {
    const result = validateEvent(withFields(validEvents.death, { eventId: "x'; DROP TABLE events; --", patientId: 7 }));
    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty('eventId');
    expect(result).not.toHaveProperty('patientId');
  });
});

describe('the compiled schema validateEvent uses', () => {
  // Each change breaks or bends one field; together they reach every kind of rule the schema has.
  const changes: ((e: Record<string, unknown>) => void)[] = [
    (e) => { e.occurredOn = '2020-02-30'; },
    (e) => { e.reportedAt = '2020-01-01T25:00:00Z'; },
    (e) => { e.reportedAt = '2020-01-01T00:00:00'; },
    (e) => { e.unexpected = 1; },
    (e) => { delete e.patientId; },
    (e) => { e.type = 'relapse'; },
    (e) => { e.centre = ''; },
    (e) => { e.centre = '\u0001x'; },
    (e) => { e.eventId = 'a b'; },
    (e) => { e.occurredOn = 20200101; },
    (e) => { if (e.baseline) (e.baseline as Record<string, unknown>).ageAtPtr = 3.5; },
    (e) => { if (e.baseline) (e.baseline as Record<string, unknown>).tCategory = 'T9'; },
    (e) => { if (e.baseline) delete (e.baseline as Record<string, unknown>).port; },
    (e) => { if (e.baseline) (e.baseline as Record<string, unknown>).portStartedOn = null; },
    (e) => { if (Array.isArray(e.sites)) e.sites = []; },
    (e) => { if (e.type === 'death') e.cause = 'unknown-cause'; },
  ];

  it('is compiled by zod, not left to the runtime parser', () => {
    expect(() => compile(followUpEventSchema, { strict: true })).not.toThrow();
  });

  it('answers as the runtime schema, value and issues, on simulated events and on each of them broken', () => {
    let rejected = 0;
    let index = 0;
    for (const simulated of simulateEvents({ seed: 7, patients: 150 })) {
      for (const change of [null, changes[index % changes.length]]) {
        const event = structuredClone(simulated) as unknown as Record<string, unknown>;
        change?.(event);
        const runtime = followUpEventSchema.safeParse(event, { reportInput: true });
        const compiled = compiledEventSchema().safeParse(event, { reportInput: true });
        expect(compiled.success).toBe(runtime.success);
        if (runtime.success && compiled.success) expect(JSON.stringify(compiled.data)).toBe(JSON.stringify(runtime.data));
        else expect(compiled.error?.issues).toEqual(runtime.error?.issues);
        if (!runtime.success) rejected++;
      }
      index++;
    }
    expect(index).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(index / 2);
  });
});
