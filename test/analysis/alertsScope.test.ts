// The plan run's alerts scope (the calibration's fast path: primary estimands only, Firth without profile
// intervals) gives the monitoring function the same primary looks and the same alert decisions as the
// full plan run the reanalysis job makes.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN } from '../../src/analysis/plan.ts';
import { runPlan } from '../../src/analysis/runPlan.ts';
import { monitorLook } from '../../src/analysis/monitoring/index.ts';
import type { MonitoringHistory, MonitoringLookResult } from '../../src/analysis/monitoring/index.ts';
import { simulateEvents } from '../../src/sim/index.ts';
import { datasetReplay, storeEvents } from '../../src/sim/calibration/analysisDataset.ts';
import { parseCutoff } from '../../src/timeline/index.ts';

const primary = (r: MonitoringLookResult) => ({
  decisions: r.decisions.filter((d) => DEFAULT_PLAN.primary.some((p) => p.population === d.population && p.endpoint === d.endpoint))
    .map((d) => [d.population, d.endpoint, d.decision.rule, d.decision.status, d.decision.summary]),
  looks: r.looks,
});

describe('runPlan scope "alerts"', () => {
  it('leaves every primary look and alert decision as the full plan run has them, Firth looks included', () => {
    // Seed 2's early looks fit group 3 by Firth (an arm without events).
    const asOf = datasetReplay(storeEvents(simulateEvents({ seed: 2, patients: 426, scenario: 'null', adminEnd: '2009-06-30' })));
    let fast: MonitoringHistory = new Map();
    let full: MonitoringHistory = new Map();
    let firth = 0;
    ['2007-12-31', '2008-03-31', '2008-12-31', '2009-06-30'].forEach((cutoff, k) => {
      const rows = asOf(parseCutoff(cutoff));
      const alerts = runPlan(DEFAULT_PLAN, rows, { scope: 'alerts' }).estimates;
      firth += alerts.filter((e) => e.model === 'firth').length;
      const a = monitorLook(DEFAULT_PLAN, { cutoff, look: k + 1, estimates: alerts }, fast);
      const f = monitorLook(DEFAULT_PLAN, { cutoff, look: k + 1, estimates: runPlan(DEFAULT_PLAN, rows).estimates }, full);
      expect(primary(a)).toEqual(primary(f));
      fast = a.history;
      full = f.history;
    });
    expect(firth).toBeGreaterThan(0);
  }, 60_000);
});
