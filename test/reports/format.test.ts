import { describe, expect, it } from 'vitest';
import {
  countCell,
  formatCount,
  formatCountPercent,
  formatHr,
  formatHrCi,
  formatMonths,
  formatP,
  formatPercent,
  formatPercentCi,
  formatSmd,
  formatZ,
} from '../../src/reports/format.ts';
import { escapeHtml } from '../../src/reports/escape.ts';
import { pinnedCells, suppressCounts } from '../../src/reports/suppression.ts';
import { REDACTED, checkHash, checkIdentifier, checkIsoDate, scrubFreeText } from '../../src/reports/freeText.ts';
import { ReportInputError } from '../../src/reports/reportInputError.ts';

describe('number formats (docs/reports.md)', () => {
  it('prints hazard ratios like the paper: 2 decimals below 10, 1 below 100', () => {
    expect(formatHr(0.64)).toBe('0.64');
    expect(formatHr(0.5)).toBe('0.50');
    expect(formatHr(6.614)).toBe('6.61');
    expect(formatHr(34.12)).toBe('34.1');
    expect(formatHr(123.4)).toBe('123');
    expect(formatHr(Infinity)).toBe('\u221e');
    expect(formatHrCi({ hr: 0.64, lower: 0.5, upper: 0.82 })).toBe('0.64 (0.50\u20130.82)');
  });

  it('prints p with three decimals and "<0.001" below', () => {
    expect(formatP(0.0004)).toBe('<0.001');
    expect(formatP(0.001)).toBe('0.001');
    expect(formatP(0.096)).toBe('0.096');
    expect(formatP(0.86)).toBe('0.860');
    expect(formatP(0.9996)).toBe('>0.999');
    expect(formatP(null)).toBe('NA');
  });

  it('prints percentages with one decimal and signed statistics with a real minus sign', () => {
    expect(formatPercent(0.732)).toBe('73.2');
    expect(formatPercentCi({ estimate: 0.732, lower: 0.681, upper: 0.776 })).toBe('73.2 (68.1\u201377.6)');
    expect(formatSmd(-0.123)).toBe('\u22120.12');
    expect(formatZ(-0.001)).toBe('0.00');
    expect(formatZ(2.814)).toBe('2.81');
    expect(formatMonths(53.66)).toBe('53.7');
  });
});

describe('small-cell suppression', () => {
  it('hides counts from 1 to smallCellMin - 1, shows 0 and the threshold itself', () => {
    expect(formatCount(0, 11)).toBe('0');
    expect(formatCount(1, 11)).toBe('<11');
    expect(formatCount(10, 11)).toBe('<11');
    expect(formatCount(11, 11)).toBe('11');
    expect(formatCount(12345, 11)).toBe('12,345');
    expect(formatCount(4, 5)).toBe('<5');
    expect(formatCount(5, 5)).toBe('5');
  });

  it('hides the percentage of a suppressed count too', () => {
    expect(formatCountPercent(7, 176, 11)).toBe('<11');
    expect(formatCountPercent(45, 176, 11)).toBe('45 (25.6)');
    expect(formatCountPercent(0, 176, 11)).toBe('0');
  });

  it('exports a suppressed count as the string "<k", never the value', () => {
    expect(countCell(3, 11)).toBe('<11');
    expect(countCell(30, 11)).toBe(30);
  });

  it('hides a partner cell only when a single small cell could be recovered from the total', () => {
    // A column with its public total (index 0): levels add up to it.
    const column = (counts: number[]) => suppressCounts({ cells: [counts.reduce((a, b) => a + b, 0), ...counts], relations: [counts.map((_, i) => i + 1).concat(0)], fixed: [0] }, 11).slice(1);
    expect(column([7, 30, 12])).toEqual(['small', 'shown', 'complement']);
    expect(column([7, 3, 30])).toEqual(['small', 'small', 'shown']);
    expect(column([40, 30])).toEqual(['shown', 'shown']);
    // Two relations sharing a cell: the complement of one must not expose the other.
    const two = suppressCounts({ cells: [30, 7, 23, 40, 17], relations: [[0, 1, 2], [3, 2, 4]] }, 11);
    expect(two).toEqual(['shown', 'small', 'complement', 'shown', 'complement']);
    // Beside a public total and zeros, a small count is public by subtraction: printed as it is, not "<11".
    expect(suppressCounts({ cells: [20, 5, 0], relations: [[0, 1, 2]], fixed: [0] }, 11)).toEqual(['shown', 'shown', 'shown']);
  });

  it('hides another cell where the bounds of "<k" and "≥k" would pin a small count (total 12 = 1 + 11)', () => {
    // 12 = a + b, a "<11" (1..10), b "≥11": a = 1. Signed relations let the bounds be checked; with
    // nothing else to hide beside the public total, the count is public by bounds: printed as it is.
    expect(pinnedCells({ cells: [12, 1, 11], relations: [{ plus: [1, 2], minus: [0] }] }, ['shown', 'small', 'complement'], new Set([1, 2]), 11)).toEqual([1]);
    expect(suppressCounts({ cells: [12, 1, 11], relations: [{ plus: [1, 2], minus: [0] }], fixed: [0] }, 11)).toEqual(['shown', 'shown', 'shown']);
    expect(suppressCounts({ cells: [13, 2, 11], relations: [{ plus: [1, 2], minus: [0] }], fixed: [0] }, 11)).toEqual(['shown', 'small', 'complement']);
    // With a third cell to hide, it is hidden too and nothing is pinned.
    const three = suppressCounts({ cells: [40, 1, 11, 28], relations: [{ plus: [1, 2, 3], minus: [0] }], fixed: [0] }, 11);
    expect(three).toEqual(['shown', 'small', 'complement', 'complement']);
    // Two small cells that add up to 2 are both 1: a complement is needed though two cells are hidden.
    expect(suppressCounts({ cells: [32, 1, 1, 30], relations: [{ plus: [1, 2, 3], minus: [0] }], fixed: [0] }, 11)).toEqual(['shown', 'small', 'small', 'complement']);
  });

  it('rejects a count that is not a non-negative integer', () => {
    expect(() => formatCount(-1, 11, 'events')).toThrow(ReportInputError);
    expect(() => formatCount(2.5, 11, 'events')).toThrow('events: count must be a non-negative integer, got 2.5');
  });
});

describe('text safety', () => {
  it('escapes every HTML-significant character', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\`</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;');
  });

  it('scrubs free text: control characters, id-like tokens, length', () => {
    expect(scrubFreeText('Report\u0000 for\nP-000123 and KR01-00042, 2026 Q3', 200)).toBe(`Report for ${REDACTED} and ${REDACTED}, 2026 Q3`);
    expect(scrubFreeText('x'.repeat(50), 10)).toHaveLength(10);
  });

  it('accepts run identifiers of the documented shapes only', () => {
    expect(checkIdentifier('plan version', '2026.11-1')).toBe('2026.11-1');
    expect(() => checkIdentifier('plan version', '1.0 <b>')).toThrow('plan version "1.0 <b>" is not 1-64 of A-Z a-z 0-9 . _ + -');
    expect(() => checkHash('data hash', 'ABCDEF0123456789')).toThrow(ReportInputError);
    expect(checkIsoDate('cutoff', '2024-02-29')).toBe('2024-02-29');
    expect(() => checkIsoDate('cutoff', '2026-06-31')).toThrow('cutoff "2026-06-31" is not a real calendar date');
  });
});
