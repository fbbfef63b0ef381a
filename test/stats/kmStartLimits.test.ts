import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { survivalCurves, type ConfType } from '../../src/stats/km/index.ts';
import { curveQuantiles } from '../../src/stats/km/quantiles.ts';
import { expectClose } from './kmFixtures.ts';

// R's limits where S(t) = 1 (test/fixtures/km/kmStartLimits.R): before the first observed time
// summary(fit, times) reports 1 for both limits whatever the band; at an observed time with S = 1 the
// log-log band is NA (log(-log 1) is undefined).
interface Summary {
  confType: ConfType;
  time: number[];
  surv: number[];
  lower: (number | null)[];
  upper: (number | null)[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/km/kmStartLimits.json', import.meta.url), 'utf8')) as {
  data: { time: number[]; status: number[] };
  summaries: Summary[];
};

describe('Kaplan-Meier limits where S = 1, as R survival 3.5-3', () => {
  for (const expected of fixture.summaries) {
    it(`${expected.confType}: limits at times before, at and after the observed times`, () => {
      const data = { time: Float64Array.from(fixture.data.time), event: Uint8Array.from(fixture.data.status) };
      const [curve] = survivalCurves(data, { confType: expected.confType, times: expected.time });
      const at = curve.at;
      if (at === null) throw new Error('no values at the requested times');
      expectClose(at.surv, expected.surv, 'surv');
      expectClose(at.lower, expected.lower, 'lower');
      expectClose(at.upper, expected.upper, 'upper');
      expect(at.lower[0]).toBe(1);
      expect(at.upper[0]).toBe(1);
    });
  }
});

describe('curve quantiles on a data-sized curve', () => {
  it('finds the median of a 400,000-step curve (no spread of the curve into Math.max: no stack overflow)', () => {
    const n = 400_000;
    const times = Float64Array.from({ length: n }, (_, j) => j + 1);
    const surv = Float64Array.from({ length: n }, (_, j) => 1 - (j + 1) / n);
    // 1 − S first reaches 0.5 at step n/2 exactly, then drops: R's midpoint rule gives (n/2 + n/2 + 1) / 2.
    expect(curveQuantiles(times, surv, [0.5])).toEqual([n / 2 + 0.5]);
  });
});
