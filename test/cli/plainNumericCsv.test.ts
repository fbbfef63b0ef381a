import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsvTable } from '../../src/cli/stats/csvTable.ts';
import { readPlainNumericCsv } from '../../src/cli/stats/plainNumericCsv.ts';
import { mulberry32 } from '../support/mulberry32.ts';

// The DuckDB-free reader of plain numeric CSVs answers exactly what DuckDB's reader answers (the same
// doubles bit for bit, the same missing values), and gives up (null) wherever DuckDB might read the file
// differently. DuckDB's answer is taken through readCsvTable on a copy the fast path refuses (a quoted
// header name DuckDB reads as the same name).

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plain-csv-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The table DuckDB reads: the same file with its first header name quoted, which the fast path refuses. */
async function duckdbTable(text: string, names: string[]) {
  const path = file(`duck-${names.join('-')}-${text.length}.csv`, text.replace(/^([^,\n]+)/, '"$1"'));
  expect(await readPlainNumericCsv(path, names)).toBeNull();
  return readCsvTable(path, names);
}

describe('readPlainNumericCsv', () => {
  it('reads the numbers DuckDB reads, bit for bit, with empty fields missing', async () => {
    const u = mulberry32(7);
    const shapes = [
      () => (u() * 2e6 - 1e6).toFixed(1 + Math.floor(u() * 24)),
      () => String(Math.floor(u() * 2e15) - 1e15),
      () => (u() * 1e-3).toFixed(20),
      () => `0.${Math.floor(u() * 1e15)}`,
      () => '',
      () => '-0.000',
      () => (-Math.log(u()) * 100).toFixed(3),
      () => String((u() - 0.5) * 1e-7),
      () => `${(u() * 10).toFixed(3)}E${Math.floor(u() * 60) - 30}`,
      () => `${Math.floor(u() * 1e9)}e+${Math.floor(u() * 30)}`,
      () => String(u() * 1e300),
    ];
    const lines = ['x,y,label'];
    for (let i = 0; i < 5000; i++) lines.push(`${(u() * 10).toFixed(2)},${shapes[Math.floor(u() * shapes.length)]()},a${i % 3}`);
    const text = `${lines.join('\r\n')}\r\n`;
    const fast = await readPlainNumericCsv(file('mixed.csv', text), ['x', 'y']);
    expect(fast).not.toBeNull();
    const reference = await duckdbTable(text, ['x', 'y']);
    expect(fast?.nRows).toBe(reference.nRows);
    for (const name of ['x', 'y']) {
      const a = reference.columns[name];
      const b = fast?.columns[name];
      expect(b?.kind).toBe('number');
      expect(a.kind).toBe('number');
      const same = Array.from(a.values as Float64Array).every((v, i) => Object.is(v, (b?.values as Float64Array)[i]));
      expect(same).toBe(true);
    }
  });

  it('reads a last line without a newline', async () => {
    const table = await readPlainNumericCsv(file('nonl.csv', 'a,b\n1,2.5\n3,4'), ['a', 'b']);
    expect(Array.from(table?.columns.b.values as Float64Array)).toEqual([2.5, 4]);
  });

  it.each([
    ['quotes', 'a,b\n"1",2\n'],
    ['a semicolon file', 'a;b\n1;2\n'],
    ['a blank line', 'a,b\n1,2\n\n3,4\n'],
    ['a short row', 'a,b\n1,2\n3\n'],
    ['a sign +', 'a,b\n+1,2\n'],
    ['an exponent without digits', 'a,b\n1e,2\n'],
    ['an integer -0', 'a,b\n-0,2\n'],
    ['text in a used column', 'a,b\n1,x\n'],
    ['a 19-digit integer', 'a,b\n1234567890123456789,2\n'],
    ['a missing column', 'a,c\n1,2\n'],
    ['a repeated name', 'a,b,b\n1,2,3\n'],
    ['a byte-order mark', '\ufeffa,b\n1,2\n'],
    ['no value in the first rows', `a,b\n${',1\n'.repeat(1100)}2,3\n`],
    ['a decimal after an integer sample', `a,b\n${'1,2\n'.repeat(20_500)}1.5,2\n`],
  ])('gives %s to DuckDB', async (_label, text) => {
    expect(await readPlainNumericCsv(file(`refused-${text.length}.csv`, text), ['a', 'b'])).toBeNull();
    // The same in two halves on two threads (the second half starts well past the sniffer's sample).
    expect(await readPlainNumericCsv(file(`refused-${text.length}.csv`, text), ['a', 'b'], 1)).toBeNull();
  });

  it('reads a file in two halves on two threads as in one pass, and refuses what only the second half shows', async () => {
    const u = mulberry32(11);
    const lines = ['t,s,skip,x'];
    for (let i = 0; i < 60_000; i++) lines.push(`${(u() * 100).toFixed(3)},${u() < 0.6 ? 1 : 0},${i},${u() < 0.01 ? '' : (u() * 4 - 2).toExponential(6)}`);
    const path = file('halves.csv', `${lines.join('\n')}`);
    const one = await readPlainNumericCsv(path, ['t', 's', 'x'], Number.POSITIVE_INFINITY);
    const two = await readPlainNumericCsv(path, ['t', 's', 'x'], 1);
    expect(one?.nRows).toBe(60_000);
    expect(two?.nRows).toBe(60_000);
    for (const name of ['t', 's', 'x']) {
      const a = one?.columns[name].values as Float64Array;
      const b = two?.columns[name].values as Float64Array;
      expect(a.every((v, i) => Object.is(v, b[i]))).toBe(true);
    }
    // A decimal in the integer column s, in the worker's half only.
    expect(await readPlainNumericCsv(file('halves-decimal.csv', `${lines.join('\n')}\n0.5,1.5,1,1\n`), ['t', 's'], 1)).toBeNull();
    // Text in the worker's half.
    expect(await readPlainNumericCsv(file('halves-text.csv', `${lines.join('\n')}\n0.5,x,1,1\n`), ['t', 's'], 1)).toBeNull();
  });
});
