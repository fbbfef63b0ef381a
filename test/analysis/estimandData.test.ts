import { describe, expect, it } from 'vitest';
import { estimandData } from '../../src/analysis/estimandData.ts';
import { DEFAULT_PLAN } from '../../src/analysis/plan.ts';
import { runPlan } from '../../src/analysis/runPlan.ts';
import { dayOf, syntheticCohort } from './syntheticCohort.ts';

const population = (id: string) => {
  const found = DEFAULT_PLAN.populations.find((p) => p.id === id);
  if (found === undefined) throw new Error(`no population ${id}`);
  return found;
};
const pfs = DEFAULT_PLAN.endpoints.find((e) => e.id === 'pfs');

describe('estimand data of a small subgroup', () => {
  // In a small early subgroup a covariate can coincide with PORT: N2/3 exactly when irradiated here.
  const rows = syntheticCohort({ patients: 300, seed: 7 }).rowsAt(dayOf('2016-12-31'))
    .map((r) => (r.group === 'group1' ? { ...r, nCategory: r.port ? ('N2' as const) : ('N0' as const) } : r));

  it('leaves out a covariate aliased with PORT, as R reports NA for it', () => {
    if (pfs === undefined) throw new Error('no pfs endpoint');
    const data = estimandData(rows, population('group1'), pfs, ['n2or3', 'metastasesOver5']);
    expect(data.covariates.map((c) => c.name)).toEqual(['metastasesOver5']);
    const everywhere = estimandData(rows, population('group2'), pfs, ['n2or3', 'metastasesOver5']);
    expect(everywhere.covariates.map((c) => c.name)).toEqual(['n2or3', 'metastasesOver5']);
  });

  it('still estimates the PORT effect of that subgroup instead of failing the look', () => {
    const result = runPlan(DEFAULT_PLAN, rows);
    const monitoring = result.estimates.find((e) => e.population === 'group1' && e.endpoint === 'pfs' && e.model === 'monitoring' && e.term === 'port');
    expect(monitoring?.hr).toBeGreaterThan(0);
    expect(Number.isFinite(monitoring?.se)).toBe(true);
  });
});
