// Hostile and malformed input: every case is rejected with a reason, quickly, without echoing the payload.
import { describe, expect, it } from 'vitest';
import { MAX_EVENT_BYTES, MAX_EVENT_DEPTH, checkEnvelope, checkShape, parseEnvelope, validateEvent } from '../../src/contract/index.ts';
import { validEvents, withFields } from './events.ts';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('SQL and markup in ids', () => {
  it.each(["1' OR '1'='1", 'x; DROP TABLE patients; --', '<script>alert(1)</script>', '../../etc/passwd', 'a\u0000b'])(
    'rejects eventId %j by the character rule', (eventId) => {
      const result = validateEvent(withFields(validEvents.death, { eventId }));
      expect(result.ok).toBe(false);
      expect(!result.ok && result.reason).toMatch(/^eventId ".*" must be 1-128 characters of A-Z a-z 0-9 \. _ : -$/);
    });

  it('keeps a reason on one line whatever the value holds', () => {
    const result = validateEvent(withFields(validEvents.death, { patientId: 'evil\r\nLOG: forged line' }));
    expect(!result.ok && result.reason).toBe('patientId "evil\\r\\nLOG: forged line" must be 1-64 characters of A-Z a-z 0-9 . _ : -');
  });
});

describe('wrong types', () => {
  it.each([
    [{ occurredOn: new Date('2020-02-01') }, 'occurredOn an object must be a date YYYY-MM-DD'],
    [{ reportedAt: 1583051400000 }, 'reportedAt 1583051400000 must be an ISO-8601 date-time with offset'],
    [{ cause: ['breast_cancer'] }, 'cause an array of 1 must be one of breast_cancer, other, unknown (omit it when unknown)'],
    [{ centre: 1 }, 'centre 1 must be a non-blank string of 1-32 characters without control characters (omit it when unknown)'],
  ])('rejects %j', (change, reason) => {
    expect(validateEvent(withFields(validEvents.death, change))).toMatchObject({ ok: false, reason });
  });

  it('ignores an inherited or __proto__ field only by rejecting it as unknown', () => {
    const raw: unknown = JSON.parse(JSON.stringify(validEvents.death).replace('{', '{"__proto__":{"admin":true},'));
    expect(validateEvent(raw)).toMatchObject({ ok: false, reason: 'unknown field "__proto__"' });
  });
});

describe('size and depth limits on parsed values', () => {
  it('rejects a 1 MB string field as too large', () => {
    const result = validateEvent(withFields(validEvents.death, { cause: 'x'.repeat(1024 * 1024) }));
    expect(result).toMatchObject({ ok: false, reason: `event is larger than the ${MAX_EVENT_BYTES}-byte limit`, eventId: 'de-1' });
  });

  it('rejects an event with 20,000 unknown fields as too large', () => {
    const fields: Record<string, unknown> = {};
    for (let i = 0; i < 20_000; i++) fields[`f${i}`] = i;
    expect(validateEvent({ ...validEvents.death, ...fields })).toMatchObject({ ok: false, reason: `event is larger than the ${MAX_EVENT_BYTES}-byte limit` });
  });

  it('rejects deep nesting without recursion', () => {
    expect(validateEvent(withFields(validEvents.death, { cause: nested(100_000) }))).toMatchObject({
      ok: false, reason: `event nests deeper than ${MAX_EVENT_DEPTH} levels`,
    });
  });

  it('allows nesting up to the limit (then the schema decides)', () => {
    expect(checkShape(nested(MAX_EVENT_DEPTH))).toEqual({ ok: true });
    expect(checkShape(nested(MAX_EVENT_DEPTH + 1))).toMatchObject({ ok: false });
  });

  it('uses the byte length the caller measured', () => {
    expect(validateEvent(validEvents.death, { byteLength: MAX_EVENT_BYTES + 1 })).toMatchObject({
      ok: false, reason: `event is ${MAX_EVENT_BYTES + 1} bytes, more than the ${MAX_EVENT_BYTES}-byte limit`,
    });
    expect(validateEvent(validEvents.death, { byteLength: 300 }).ok).toBe(true);
  });
});

describe('checkEnvelope on raw text, before JSON.parse', () => {
  it('accepts a valid event line', () => {
    expect(checkEnvelope(JSON.stringify(validEvents.registration))).toEqual({ ok: true });
  });

  it('rejects more than 64 KiB, counting UTF-8 bytes', () => {
    expect(checkEnvelope('"' + 'x'.repeat(MAX_EVENT_BYTES) + '"')).toEqual({ ok: false, reason: `event is larger than the ${MAX_EVENT_BYTES}-byte limit` });
    const multibyte = '"' + 'é'.repeat(MAX_EVENT_BYTES / 2) + '"'; // 2 bytes each in UTF-8
    expect(checkEnvelope(multibyte)).toEqual({ ok: false, reason: `event is ${MAX_EVENT_BYTES + 2} bytes, more than the ${MAX_EVENT_BYTES}-byte limit` });
  });

  it('rejects deep nesting, ignoring brackets inside strings', () => {
    expect(checkEnvelope('['.repeat(MAX_EVENT_DEPTH + 1) + ']'.repeat(MAX_EVENT_DEPTH + 1))).toMatchObject({ ok: false });
    expect(checkEnvelope('['.repeat(50_000))).toEqual({ ok: false, reason: `event nests deeper than ${MAX_EVENT_DEPTH} levels` });
    expect(checkEnvelope(JSON.stringify({ reason: '[[[[[[[[[[[[{{{{{{{{{\\"' }))).toEqual({ ok: true });
  });

  it('parseEnvelope reports text that is not JSON', () => {
    const result = parseEnvelope('{"eventId": "e1",');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^not JSON: /);
    expect(parseEnvelope(JSON.stringify(validEvents.dp))).toEqual({ ok: true, value: validEvents.dp });
  });
});
