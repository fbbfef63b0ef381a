import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { grayTest, GrayTestError } from '../../src/stats/competingRisks/index.ts';
import { column, completeRows, expectClose, loadDataset, numbers } from './kmFixtures.ts';

interface GrayCase {
  id: string;
  group: string;
  strata: string | null;
  rho: number;
  causes: { cause: number; stat: number; p: number; df: number }[];
}

const expected = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/reference/expected/gray_test.json', import.meta.url)), 'utf8')) as { tests: GrayCase[] };
const mgus2 = loadDataset('mgus2');
const rows = completeRows(mgus2, ['etime', 'event', 'age', 'sex']);
const STATUS: Readonly<Record<string, number>> = { censor: 0, pcm: 1, death: 2 };
const ageGroup = (age: number) => (age <= 65 ? '<=65' : age <= 75 ? '66-75' : '>75');

function codes(values: readonly string[]) {
  const labels = [...new Set(values)].sort();
  return { codes: Int32Array.from(values, (v) => labels.indexOf(v)), labels };
}

function groupingOf(name: string) {
  if (name === 'agegrp') return codes(rows.map((i) => ageGroup(Number(column(mgus2, 'age')[i]))));
  return codes(rows.map((i) => column(mgus2, name)[i] as string));
}

describe("Gray's test against cmprsk::cuminc (mgus2)", () => {
  const time = numbers(mgus2, 'etime', rows);
  const status = Int32Array.from(rows, (i) => STATUS[column(mgus2, 'event')[i] as string]);
  for (const test of expected.tests) {
    it(test.id, () => {
      const result = grayTest({ time, status, group: groupingOf(test.group), rho: test.rho, ...(test.strata ? { strata: groupingOf(test.strata) } : {}) });
      expect(result.map((r) => r.cause)).toEqual(test.causes.map((c) => c.cause));
      result.forEach((r, k) => {
        expectClose(r.stat, test.causes[k].stat, `${test.id} cause ${r.cause} stat`);
        expectClose(r.p, test.causes[k].p, `${test.id} cause ${r.cause} p`, { pValue: true });
        expect(r.df).toBe(test.causes[k].df);
      });
    });
  }

  it('does not depend on the order of the rows or the coding of the groups', () => {
    const group = groupingOf('sex');
    const order = Array.from(time, (_, i) => i).reverse();
    const a = grayTest({ time, status, group });
    const b = grayTest({
      time: Float64Array.from(order, (i) => time[i]), status: Int32Array.from(order, (i) => status[i]),
      group: { codes: Int32Array.from(order, (i) => 1 - group.codes[i]), labels: [...group.labels].reverse() },
    });
    b.forEach((r, k) => expect(r.stat).toBeCloseTo(a[k].stat, 9));
  });

  it('refuses a single group and a cause with no event', () => {
    expect(() => grayTest({ time, status, group: { codes: new Int32Array(time.length), labels: ['all'] } })).toThrow(GrayTestError);
    const noPcm = Int32Array.from(status, (s) => (s === 1 ? 0 : s));
    const r = grayTest({ time: Float64Array.of(1, 2, 3, 4), status: Int32Array.of(1, 0, 1, 0), group: { codes: Int32Array.of(0, 0, 1, 1), labels: ['a', 'b'] } });
    expect(r[0].df).toBe(1);
    expect(grayTest({ time, status: noPcm, group: groupingOf('sex') }).map((x) => x.cause)).toEqual([2]);
  });
});
