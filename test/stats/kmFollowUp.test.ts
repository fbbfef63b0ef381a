import { describe, expect, it } from 'vitest';
import { reverseKmFollowUp } from '../../src/stats/km/index.ts';
import { DATASETS, completeRows, expectClose, loadDataset, scalarText, survData, type JsonObject } from './kmFixtures.ts';

describe('reverse Kaplan-Meier median follow-up against R', () => {
  for (const name of DATASETS) {
    it(`${name}.reverse_km_followup`, () => {
      const dataset = loadDataset(name);
      const expected = dataset.expected.reverse_km_followup as JsonObject;
      const surv = (dataset.expected.dataset as JsonObject).surv as JsonObject;
      expect(expected.r_call).toContain(`Surv(${surv.time as string}, ${surv.event as string} != ${scalarText(surv.event_value)})`);
      const rows = completeRows(dataset, [surv.time as string, surv.event as string]);
      const summary = reverseKmFollowUp(survData(dataset, surv, rows));
      expectClose(summary.reverseKm.median, expected.median, 'median');
      expectClose(summary.reverseKm.lower, expected.lower, 'lower');
      expectClose(summary.reverseKm.upper, expected.upper, 'upper');
      const quantiles = expected.quantiles as JsonObject;
      expectClose(summary.reverseKmQuantiles.value, quantiles.quantile, 'quantiles');
      expectClose(summary.reverseKmQuantiles.lower, quantiles.lower, 'quantile lower');
      expectClose(summary.reverseKmQuantiles.upper, quantiles.upper, 'quantile upper');
      expectClose(summary.simpleMedian, expected.simple_median_time_all, 'simple median (all)');
      expectClose(summary.simpleMedianCensored, expected.simple_median_time_censored, 'simple median (censored)');
    });
  }
});
