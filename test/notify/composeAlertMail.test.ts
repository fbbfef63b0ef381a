import { describe, expect, it } from 'vitest';
import { composeAlertMail } from '../../src/notify/composeAlertMail.ts';
import type { MailEstimate } from '../../src/notify/composeAlertMail.ts';
import { suppressRow } from '../../src/notify/suppress.ts';

const estimate = (over: Partial<MailEstimate>): MailEstimate => ({
  population: 'group1', endpoint: 'pfs', primary: true, hr: 0.5, lower: 0.3, upper: 0.8, repeatedLower: 0.25, repeatedUpper: 0.95,
  z: -3.1, boundaryZ: 2.9, informationFraction: 0.6, events: 120, eventsPort: 50, eventsNoPort: 70, ...over,
});

describe('alert mail composition', () => {
  it('suppresses counts 0 < n < SMALL_CELL_MIN and a complementary one of the same total', () => {
    expect(suppressRow(23, [0, 23], 11)).toEqual({ total: 'shown', parts: ['shown', 'shown'] });
    expect(suppressRow(23, [7, 16], 11)).toEqual({ total: 'shown', parts: ['small', 'complement'] });
    expect(suppressRow(40, [11, 29], 11)).toEqual({ total: 'shown', parts: ['shown', 'shown'] });
    expect(suppressRow(9, [4, 5], 5)).toEqual({ total: 'shown', parts: ['small', 'complement'] });
  });

  it('prints small event counts as "<11" in text and HTML, never the count itself', () => {
    const mail = composeAlertMail({
      rule: 'boundary', status: 'fired', population: 'group3', endpoint: 'os', summary: 'crossed', cutoff: '2026-09-30', look: 3,
      planVersion: 'cw-plan-1', smallCellMin: 11, forestSvg: '<svg></svg>',
      estimates: [estimate({ population: 'group3', endpoint: 'os', events: 23, eventsPort: 7, eventsNoPort: 16 })],
    });
    const row = mail.text.split('\n').find((l) => l.startsWith('Group 3'));
    expect(row).toBeDefined();
    expect(row).toContain('<11');
    expect(row?.split(/\s+/)).not.toContain('7');
    // 23 = 7 + 16: printing 16 would give the 7 away, so it is hidden too (was `23 | <11 | 16`).
    expect(row?.split(/\s+/).slice(-3)).toEqual(['23', '<11', '\u226511']);
    expect(row?.split(/\s+/)).not.toContain('16');
    expect(mail.html).toContain('&#60;11');
    expect(mail.html).not.toMatch(/>7</);
  });

  it('escapes the summary in HTML', () => {
    const mail = composeAlertMail({
      rule: 'drift', status: 'held', population: 'group1', endpoint: 'pfs', summary: '<script>x</script>', cutoff: '2026-09-30', look: 2,
      planVersion: 'cw-plan-1', smallCellMin: 11, forestSvg: '', estimates: [estimate({})],
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.subject).toContain('[held]');
  });
});
