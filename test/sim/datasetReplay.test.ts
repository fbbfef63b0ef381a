// The calibration's replay of a registry look after look derives the same rows as datasetAsOf at every
// cutoff (it re-derives only patients with a newly reported event).
import { describe, expect, it } from 'vitest';
import { simulateEvents } from '../../src/sim/index.ts';
import { datasetAsOf, datasetReplay, storeEvents } from '../../src/sim/calibration/analysisDataset.ts';
import { scheduleCutoffs } from '../../src/sim/calibration/lookSchedule.ts';
import { parseCutoff } from '../../src/timeline/index.ts';

describe('datasetReplay', () => {
  it('gives datasetAsOf rows at every cutoff of a series, the first before anyone is registered', () => {
    const registry = storeEvents(simulateEvents({ seed: 3, patients: 120, scenario: 'emerging' }));
    const asOf = datasetReplay(registry);
    const cutoffs = ['2000-06-30', ...scheduleCutoffs('quarterly', '2003-12-31', '2026-09-30')];
    let nonEmpty = 0;
    for (const cutoff of cutoffs) {
      const expected = datasetAsOf(registry, parseCutoff(cutoff));
      expect(asOf(parseCutoff(cutoff))).toEqual(expected);
      if (expected.length > 0) nonEmpty++;
    }
    expect(datasetAsOf(registry, parseCutoff('2000-06-30'))).toEqual([]);
    expect(nonEmpty).toBe(cutoffs.length - 1);
  });
});
