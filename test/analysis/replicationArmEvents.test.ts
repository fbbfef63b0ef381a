// The paper-replication rows carry the events of each arm among the rows their fit used (they were
// stored as 0 and 0, never computed). Checked against a count made here from the rows themselves:
// a univariate row counts the patients with that factor known, a multivariate row the complete
// cases of the factors that entered the model.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN } from '../../src/analysis/plan.ts';
import { replicationEstimates } from '../../src/analysis/replication.ts';
import type { EstimateRecord } from '../../src/analysis/runResult.ts';
import { expectedArmEvents } from './directArmEvents.ts';
import { dayOf, syntheticCohort } from './syntheticCohort.ts';

const counts = (estimates: readonly EstimateRecord[]) =>
  estimates.map((e) => ({ term: `${e.model}:${e.term}`, events: e.events, eventsPort: e.eventsPort, eventsPtr: e.eventsPtr }));

describe('paper-replication estimates: events per arm', () => {
  const rows = syntheticCohort({ patients: 1500, seed: 11 }).rowsAt(dayOf('2016-12-31'));
  const cases = DEFAULT_PLAN.populations.flatMap((p) => DEFAULT_PLAN.endpoints.map((e) => [p, e] as const));

  it.each(cases.map(([p, e]) => [p.id, e.id, p, e] as const))('%s/%s: the events of each arm among the rows each fit used', (_p, _e, population, endpoint) => {
    const estimates = replicationEstimates(DEFAULT_PLAN, population, endpoint, rows);
    expect(counts(estimates)).toEqual(expectedArmEvents(rows, population, endpoint, estimates));
  });

  it('has real counts to check: both arms have events, and T3-4 (T unknown in 3%) counts fewer than the whole population', () => {
    const all = DEFAULT_PLAN.populations.find((p) => p.id === 'all');
    const os = DEFAULT_PLAN.endpoints.find((e) => e.id === 'os');
    if (!all || !os) throw new Error('the shipped plan has no all/os');
    const estimates = replicationEstimates(DEFAULT_PLAN, all, os, rows);
    const port = estimates.find((e) => e.model === 'univariate' && e.term === 'port');
    const t = estimates.find((e) => e.model === 'univariate' && e.term === 't3or4');
    expect(port?.eventsPort).toBeGreaterThan(20);
    expect(port?.eventsPtr).toBeGreaterThan(20);
    expect(t?.events).toBeLessThan(port?.events ?? 0);
    expect(estimates.some((e) => e.model === 'multivariate')).toBe(true);
  });
});
