// Design matrices with R's model.frame / model.matrix semantics (treatment coding, interactions, na.omit).
import { describe, expect, it } from 'vitest';
import { buildDesign, DesignError } from '../../src/stats/design.ts';
import type { ColumnTable } from '../../src/stats/design.ts';

const table: ColumnTable = {
  time: [5, 8, 3, 9, 4, 7, 6, 2],
  status: ['dead', 'alive', 'dead', 'dead', 'alive', 'dead', 'alive', 'dead'],
  age: [60, 70, null, 55, 62, 48, 71, 66],
  grade: [10, 9, 2, 10, 9, 2, 10, 2],
  arm: ['b', 'a', 'B', 'a', 'b', 'B', 'a', 'b'],
  a: ['p', 'q', 'r', 'p', 'q', 'r', 'p', 'q'],
  b: ['u', 'u', 'u', 'u', 'v', 'v', 'v', 'v'],
  site: ['x', 'y', 'x', 'y', 'x', 'y', 'x', ''],
  w: [1, 2, 1.5, 1, 1, 2, 1, 1],
};

describe('buildDesign', () => {
  it('drops rows missing any used column (1-based) and keeps the others in order', () => {
    const d = buildDesign(table, { time: 'time', event: 'status', eventValue: 'dead', covariates: ['age'], strata: 'site' });
    expect(d.rowsDropped).toEqual([3, 8]);
    expect(Array.from(d.rowsUsed)).toEqual([0, 1, 3, 4, 5, 6]);
    expect(Array.from(d.input.x[0])).toEqual([60, 70, 55, 62, 48, 71]);
    expect(Array.from(d.input.event)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(d.strataLabels).toEqual(['x', 'y']);
    expect(Array.from(d.input.strata ?? [])).toEqual([0, 1, 1, 0, 1, 0]);
  });

  it('orders numeric factor levels numerically and others by character code, first level the reference', () => {
    const d = buildDesign(table, { time: 'time', event: 'status', eventValue: 'dead', covariates: ['grade', 'arm'], factors: ['grade'] });
    expect(d.levels).toEqual({ grade: ['2', '9', '10'], arm: ['B', 'a', 'b'] });
    expect(d.input.names).toEqual(['grade=9', 'grade=10', 'arm=a', 'arm=b']);
    expect(d.terms).toEqual([
      { term: 'grade', columns: [0, 1] },
      { term: 'arm', columns: [2, 3] },
    ]);
    expect(Array.from(d.input.x[1])).toEqual([1, 0, 0, 1, 0, 0, 1, 0]);
  });

  it('uses a given level order and rejects values outside it', () => {
    const d = buildDesign(table, { time: 'time', event: 'status', eventValue: 'dead', covariates: ['arm'], levels: { arm: ['a', 'b', 'B'] } });
    expect(d.input.names).toEqual(['arm=b', 'arm=B']);
    expect(() => buildDesign(table, { time: 'time', event: 'status', covariates: ['arm'], levels: { arm: ['a', 'b'] } })).toThrow(/value "B" \(row 3\) that is not among its levels a\|b/);
  });

  it('builds interactions as R does: factor dummies, the first part varying fastest', () => {
    const d = buildDesign(table, { time: 'time', event: 'status', eventValue: 'dead', covariates: ['a', 'b', 'w'], interactions: ['a:b', 'w:a'] });
    // model.matrix(~ a * b) names: aq ar bv aq:bv ar:bv
    expect(d.input.names).toEqual(['a=q', 'a=r', 'b=v', 'w', 'a=q:b=v', 'a=r:b=v', 'w:a=q', 'w:a=r']);
    expect(Array.from(d.input.x[4])).toEqual([0, 0, 0, 0, 1, 0, 0, 1]);
    expect(Array.from(d.input.x[7])).toEqual([0, 0, 1.5, 0, 0, 2, 0, 0]);
    expect(d.terms.map((t) => t.term)).toEqual(['a', 'b', 'w', 'a:b', 'w:a']);
  });

  it('compares the event value numerically for numbers and as text otherwise', () => {
    const numeric = buildDesign({ t: [1, 2, 3], s: ['2', 1, 2], x: [1, 2, 3] }, { time: 't', event: 's', eventValue: 2, covariates: ['x'] });
    expect(Array.from(numeric.input.event)).toEqual([1, 0, 1]);
    const byDefault = buildDesign({ t: [1, 2, 3], s: [1, 0, 2], x: [1, 2, 3] }, { time: 't', event: 's', covariates: ['x'] });
    expect(Array.from(byDefault.input.event)).toEqual([1, 0, 0]);
  });

  it('passes weights, cluster and counting-process starts through', () => {
    const d = buildDesign(
      { start: [0, 0, 5], stop: [5, 3, 9], e: [1, 0, 1], x: [1, 2, 3], w: [1, 2, 3], id: ['k', 'j', 'k'] },
      { time: 'stop', start: 'start', event: 'e', covariates: ['x'], weights: 'w', cluster: 'id' },
    );
    expect(Array.from(d.input.start ?? [])).toEqual([0, 0, 5]);
    expect(Array.from(d.input.weights ?? [])).toEqual([1, 2, 3]);
    expect(Array.from(d.input.cluster ?? [])).toEqual([0, 1, 0]);
  });

  it('fails with a one-line message naming the problem', () => {
    expect(() => buildDesign(table, { time: 'time', event: 'status', covariates: ['nope'] })).toThrow(new DesignError('column "nope" is not in the data'));
    expect(() => buildDesign(table, { time: 'arm', event: 'status', covariates: ['age'] })).toThrow(/time column "arm" has a non-numeric value in row 1/);
    expect(() => buildDesign(table, { time: 'time', event: 'status', covariates: ['age'], interactions: ['age:'] })).toThrow(/interaction "age:"/);
    expect(() => buildDesign({ t: [null], e: [1], x: [1] }, { time: 't', event: 'e', covariates: ['x'] })).toThrow(/no rows left/);
  });
});
