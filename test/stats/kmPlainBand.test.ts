import { describe, expect, it } from 'vitest';
import { survivalCurves } from '../../src/stats/km/index.ts';
import { completeRows, grouping, loadDataset, survData, type JsonObject } from './kmFixtures.ts';

// No fixture has conf.type = "plain"; these limits were computed by hand from R's S and std.err for
// lung, ph.ecog = 2: S ∓ qnorm(.975)·se·S, clipped to [0, 1], NA where S = 0.
const EXPECTED = [
  { time: 11, lower: 0.941194692918209, upper: 1 },
  { time: 12, lower: 0.9056838847643437, upper: 1 },
  { time: 707, lower: 0, upper: 0.10470678101083161 },
  { time: 814, lower: Number.NaN, upper: Number.NaN },
];

describe('Kaplan-Meier plain confidence band', () => {
  it('is S ∓ 1.96·S·se(log S) clipped to [0, 1], NA where S = 0 (lung, ph.ecog = 2)', () => {
    const dataset = loadDataset('lung');
    const entry = (dataset.expected.km as JsonObject[]).find((k) => k.id === 'lung.km.ph.ecog');
    if (!entry) throw new Error('fixture lung.km.ph.ecog missing');
    const surv = entry.surv as JsonObject;
    const rows = completeRows(dataset, [surv.time as string, surv.event as string, 'ph.ecog']);
    const curves = survivalCurves(survData(dataset, surv, rows), { confType: 'plain' }, grouping(dataset, ['ph.ecog'], rows));
    const curve = curves.find((c) => c.group === 'ph.ecog=2');
    if (!curve) throw new Error('no ph.ecog=2 curve');
    for (const { time, lower, upper } of EXPECTED) {
      const j = curve.table.time.indexOf(time);
      expect(j, `time ${time}`).toBeGreaterThanOrEqual(0);
      if (Number.isNaN(lower)) {
        expect(curve.band.lower[j]).toBeNaN();
        expect(curve.band.upper[j]).toBeNaN();
      } else {
        expect(curve.band.lower[j]).toBeCloseTo(lower, 14);
        expect(curve.band.upper[j]).toBeCloseTo(upper, 14);
      }
    }
  });
});
