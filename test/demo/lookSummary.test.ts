import { describe, expect, it } from 'vitest';
import { lookRowsCsv, lookRowsMarkdown } from '../../src/demo/lookSummary.ts';
import type { LookRow } from '../../src/demo/lookSummary.ts';

const row = (look: number, overrides: Partial<LookRow> = {}): LookRow => ({
  look, cutoff: `20${10 + look}-12-31`, planVersion: 'cw-plan-1', population: 'group1', endpoint: 'pfs', primary: true, n: 150, events: 40, eventsPort: 12, eventsNoPort: 28,
  informationFraction: 0.154, hr: 0.61, lower: 0.31, upper: 1.2, z: -1.43, boundaryZ: 6.2, repeatedLower: 0.02, repeatedUpper: 18.4, alerts: [], ...overrides,
});

const context = { scenario: 'emerging', seed: 1, patients: 426, planVersion: 'cw-plan-1', smallCellMin: 11 };

describe('the demo summary', () => {
  it('tabulates each primary estimand look by look and lists the alerts in look order', () => {
    const text = lookRowsMarkdown([row(2, { alerts: ['boundary'] }), row(1)], context);
    expect(text).toContain('## Group 1: T1/2, non-TNBC · PFS');
    expect(text).toContain('| 1 | 2011-12-31 | 40 (12 / 28) | 0.15 | 0.61 | 0.31-1.20 | -1.43 | 6.20 | 0.02-18.40 |  |');
    expect(text).toContain('- look 2 (cutoff 2012-12-31): Group 1: T1/2, non-TNBC · PFS: boundary');
  });

  it('suppresses event counts below the small-cell minimum, in markdown and CSV', () => {
    const small = row(1, { events: 9, eventsPort: 3, eventsNoPort: 6 });
    expect(lookRowsMarkdown([small], context)).toContain('| <11 (<11 / <11) |');
    const csv = lookRowsCsv([small], 11).trim().split('\n');
    expect(csv[1].split(',').slice(7, 10)).toEqual(['<11', '<11', '<11']);
  });

  it('hides a complementary count where one small count would follow by subtraction', () => {
    const one = row(1, { events: 23, eventsPort: 7, eventsNoPort: 16 });
    expect(lookRowsMarkdown([one], context)).toContain('| 23 (<11 / \u226511) |');
    const csv = lookRowsCsv([one], 11).trim().split('\n');
    expect(csv[1].split(',').slice(7, 10)).toEqual(['23', '<11', '\u226511']);
  });

  it('opens with what surveillance detected: when, at what HR and z, and who was mailed', () => {
    const crossing = {
      population: 'group1', endpoint: 'pfs', look: 25, cutoff: '2013-12-31', side: 'benefit' as const, hr: 0.7412, z: -2.893, boundaryZ: 2.871,
      informationFraction: 0.94, events: 390, mailsSent: 2, recipients: ['a@x.org', 'b@x.org'], subject: 's', messageIds: ['<m@x>'],
    };
    const lines = lookRowsMarkdown([row(1)], context, [crossing]).split('\n');
    expect(lines[2]).toBe('**Surveillance detected a benefit of PORT: group 1 (T1/2, non-TNBC) PFS crossed its O\'Brien-Fleming boundary for benefit of PORT at look 25 (cutoff 2013-12-31): HR 0.74, z = -2.89 against a boundary of ±2.87 (information 0.94); mailed to 2 investigators.**');
    expect(lookRowsMarkdown([row(1), row(2)], context)).toContain('**No primary estimand crossed its boundary in 2 looks: surveillance detected no effect.**');
  });

  it('says so when no alert fired', () => {
    expect(lookRowsMarkdown([row(1)], context)).toContain('No alert at any look.');
  });
});
