import { describe, expect, it } from 'vitest';
import { makeTable, tableFromCsv, tableFromJson, tableToCsv, tableToJson, type Column } from '../../src/reports/tableData.ts';
import { ReportInputError } from '../../src/reports/reportInputError.ts';

const columns: Column[] = [
  { name: 'label', type: 'string' },
  { name: 'hr', type: 'number' },
  { name: 'events', type: 'count' },
  { name: 'primary', type: 'boolean' },
];

const table = makeTable('A table with awkward cells', columns, [
  ['plain', 0.6400000000000001, 120, true],
  ['comma, "quotes" and\nnewline', -1.5e-12, '<11', false],
  ['=HYPERLINK("http://x")', null, 0, null],
  ['+1', 3, null, true],
  ['-1+cmd', 4, 12, false],
  ["'already quoted", 1e21, 11, false],
  [null, Number.MIN_VALUE, 7, true],
]);

describe('exported tables', () => {
  it('round-trips through JSON exactly', () => {
    const json = JSON.parse(JSON.stringify(tableToJson(table))) as ReturnType<typeof tableToJson>;
    expect(tableFromJson(json)).toEqual(table);
  });

  it('round-trips through CSV exactly, given the column types', () => {
    expect(tableFromCsv(tableToCsv(table), table.title, columns)).toEqual(table);
  });

  it('neutralises spreadsheet formulas in text cells', () => {
    const csv = tableToCsv(table);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv.split('\r\n')[4]).toMatch(/^\+1,/); // a plain signed number is not a formula
    expect(csv.split('\r\n')[5]).toMatch(/^'-1\+cmd,/);
    expect(csv.split('\r\n')[2]).toContain('-1.5e-12'); // numbers are not guarded
  });

  it('stores an unbounded CI bound as null', () => {
    expect(makeTable('t', columns, [['x', Infinity, 1, true]]).rows[0][1]).toBeNull();
    expect(() => makeTable('t', columns, [['x', Number.NaN, 1, true]])).toThrow(ReportInputError);
  });

  it('refuses a cell that does not fit its column', () => {
    expect(() => makeTable('t', columns, [['x', 'not a number', 1, true]])).toThrow(ReportInputError);
    expect(() => makeTable('t', columns, [['x', 1, 2.5, true]])).toThrow('table t, column events: 2.5 is not a count');
    expect(() => makeTable('t', columns, [['', 1, 2, true]])).toThrow(ReportInputError);
    expect(() => makeTable('t', columns, [['x', 1, 2]])).toThrow('a row has 3 cells for 4 columns');
  });

  it('refuses a CSV whose header does not match', () => {
    expect(() => tableFromCsv('a,b\r\n1,2\r\n', 't', columns)).toThrow(ReportInputError);
  });
});
