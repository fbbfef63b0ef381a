// Job ids and payload hashes: what makes a redelivery the same event and a conflict a different one.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, eventJobId, payloadHash, sha256Hex, validateEvent } from '../../src/contract/index.ts';
import type { FollowUpEvent } from '../../src/contract/index.ts';
import { validEvents, withFields } from './events.ts';

function valid(raw: unknown): FollowUpEvent {
  const result = validateEvent(raw);
  if (!result.ok) throw new Error(result.reason);
  return result.event;
}

describe('sha256Hex', () => {
  // Job ids and stored payload hashes must stay what earlier versions computed: a queue or a database
  // holds them across upgrades, and a changed hash would turn every redelivery into a conflict.
  it('is the SHA-256 of the UTF-8 text, as createHash gives it, for any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    }), { seed: 20261201, numRuns: 500 });
    expect(sha256Hex('é🙂')).toBe(createHash('sha256').update('é🙂', 'utf8').digest('hex'));
  });

  it('keeps the job id of a known eventId', () => {
    expect(eventJobId('reg-1')).toBe('ev-1226f88b81dcaf0a7e49f7ba3cdcbe59');
  });
});

describe('eventJobId', () => {
  it('is ev- and 32 hex characters, the same for the same eventId', () => {
    expect(eventJobId('reg-1')).toMatch(/^ev-[0-9a-f]{32}$/);
    expect(eventJobId('reg-1')).toBe(eventJobId('reg-1'));
    expect(eventJobId('reg-1')).not.toBe(eventJobId('reg-2'));
  });

  it('is never integer-like and never contains ":" whatever the eventId', () => {
    fc.assert(fc.property(fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/), (eventId) => {
      const id = eventJobId(eventId);
      expect(id).not.toContain(':');
      expect(Number.isInteger(Number(id))).toBe(false);
    }), { seed: 20221101, numRuns: 500 });
    expect(eventJobId('12345')).toMatch(/^ev-/);
    expect(eventJobId('a:b:c:d')).not.toContain(':');
  });
});

describe('payloadHash', () => {
  it('ignores key order at every level', () => {
    const shuffled = JSON.parse(canonicalJson(validEvents.registration)) as Record<string, unknown>;
    const reversed = Object.fromEntries(Object.entries(shuffled).reverse());
    reversed.baseline = Object.fromEntries(Object.entries(shuffled.baseline as object).reverse());
    expect(JSON.stringify(reversed)).not.toBe(JSON.stringify(validEvents.registration));
    expect(payloadHash(valid(reversed))).toBe(payloadHash(valid(validEvents.registration)));
  });

  it('differs when any value differs', () => {
    const original = payloadHash(valid(validEvents.lrr));
    expect(payloadHash(valid(withFields(validEvents.lrr, { inField: true })))).not.toBe(original);
    expect(payloadHash(valid(withFields(validEvents.lrr, { sites: ['supraclavicular', 'axilla'] })))).not.toBe(original);
    expect(payloadHash(valid(withFields(validEvents.lrr, { reportedAt: '2020-03-01T08:30:00Z' })))).not.toBe(original);
  });

  it('is a hex SHA-256', () => {
    expect(payloadHash(valid(validEvents.death))).toMatch(/^[0-9a-f]{64}$/);
  });
});
