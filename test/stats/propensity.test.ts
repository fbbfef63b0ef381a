import { describe, expect, it } from 'vitest';
import { fitCox } from '../../src/stats/cox/index.ts';
import {
  balanceTable,
  effectiveSampleSize,
  propensityScores,
  stabilisedWeights,
  type BalanceCovariate,
  type BalanceTable,
} from '../../src/stats/propensity/index.ts';
import { indicator, readMethodsFixture, readReferenceCsv, type SmdSet } from '../fixtures/methods/load.ts';

const fixture = readMethodsFixture().propensity;
const gbsg = readReferenceCsv('gbsg');
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
const maxRel = (a: ArrayLike<number>, b: readonly number[]): number => {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, rel(a[i], b[i]));
  return m;
};

const ps = propensityScores({
  treatment: gbsg.hormon,
  x: [gbsg.age, gbsg.meno, gbsg.size, indicator(gbsg.grade, 2), indicator(gbsg.grade, 3), gbsg.nodes, gbsg.pgr, gbsg.er],
  names: ['age', 'meno', 'size', 'grade=2', 'grade=3', 'nodes', 'pgr', 'er'],
});

const covariates: BalanceCovariate[] = [
  { name: 'age', kind: 'numeric', values: gbsg.age },
  { name: 'size', kind: 'numeric', values: gbsg.size },
  { name: 'nodes', kind: 'numeric', values: gbsg.nodes },
  { name: 'meno', kind: 'binary', values: gbsg.meno },
  { name: 'grade', kind: 'factor', values: Array.from(gbsg.grade, String) },
];

function expectSmds(table: BalanceTable, side: 'before' | 'after', expected: SmdSet): void {
  const smd = (covariate: string, level: string | null = null): number => {
    const row = table.rows.find((r) => r.covariate === covariate && r.level === level);
    if (!row) throw new Error(`no balance row ${covariate} ${String(level)}`);
    return row[side].smd;
  };
  // After weighting the SMDs are ~1e-3..1e-4, so compare absolutely as well as relatively.
  const close = (a: number, b: number): void => expect(Math.abs(a - b)).toBeLessThan(1e-9 + 1e-6 * Math.abs(b));
  close(smd('age'), expected.age);
  close(smd('size'), expected.size);
  close(smd('nodes'), expected.nodes);
  close(smd('meno'), expected.meno);
  close(smd('grade', '1'), expected.grade1);
  close(smd('grade', '2'), expected.grade2);
  close(smd('grade', '3'), expected.grade3);
}

describe('propensity weighting against R (gbsg, treatment = hormon)', () => {
  it('stabilised weights P(T)/e and P(1−T)/(1−e)', () => {
    const sw = stabilisedWeights(gbsg.hormon, ps.scores);
    expect(rel(sw.marginalTreated, fixture.marginal_treated)).toBeLessThan(1e-15);
    expect(maxRel(sw.weights, fixture.stabilised_weights)).toBeLessThan(1e-8);
    expect(sw.truncationBounds).toBeNull();
    expect(ps.warnings).toEqual([]);
  });

  it('truncation at the 1st and 99th percentiles (R quantile type 7)', () => {
    const sw = stabilisedWeights(gbsg.hormon, ps.scores, { lower: 0.01, upper: 0.99 });
    expect(sw.truncationBounds).not.toBeNull();
    expect(rel(sw.truncationBounds?.lower ?? Number.NaN, fixture.truncation_bounds[0])).toBeLessThan(1e-8);
    expect(rel(sw.truncationBounds?.upper ?? Number.NaN, fixture.truncation_bounds[1])).toBeLessThan(1e-8);
    expect(maxRel(sw.weights, fixture.stabilised_weights_truncated)).toBeLessThan(1e-8);
    // 1% at each end of 686 weights: 7 values below the 1st percentile's interpolated point, 7 above.
    expect(sw.truncatedCount).toBe(14);
  });

  it('standardised mean differences before and after weighting, with each factor level', () => {
    const sw = stabilisedWeights(gbsg.hormon, ps.scores);
    const table = balanceTable(gbsg.hormon, covariates, sw.weights);
    expectSmds(table, 'before', fixture.smd_before);
    expectSmds(table, 'after', fixture.smd_after);
    expect(table.rows.filter((r) => r.covariate === 'grade').map((r) => r.level)).toEqual(['1', '2', '3']);
    const truncated = stabilisedWeights(gbsg.hormon, ps.scores, { lower: 0.01, upper: 0.99 });
    expectSmds(balanceTable(gbsg.hormon, covariates, truncated.weights), 'after', fixture.smd_after_truncated);
  });

  it("Kish's effective sample size", () => {
    const sw = stabilisedWeights(gbsg.hormon, ps.scores);
    const table = balanceTable(gbsg.hormon, covariates, sw.weights);
    expect(rel(table.effectiveSampleSize.after.all, fixture.ess.all)).toBeLessThan(1e-10);
    expect(rel(table.effectiveSampleSize.after.treated, fixture.ess.treated)).toBeLessThan(1e-10);
    expect(rel(table.effectiveSampleSize.after.control, fixture.ess.control)).toBeLessThan(1e-10);
    expect(table.effectiveSampleSize.before.all).toBe(686);
    expect(effectiveSampleSize([1, 1, 1, 1])).toBe(4);
    expect(effectiveSampleSize([4, 0, 0, 0])).toBe(1);
  });
});

describe('the weighted Cox model on the stabilised weights (robust SE), against R', () => {
  it('coxph(Surv(rfstime, status == 1) ~ hormon, weights = sw, robust = TRUE)', () => {
    const sw = stabilisedWeights(gbsg.hormon, ps.scores);
    const fit = fitCox({ stop: gbsg.rfstime, event: Uint8Array.from(gbsg.status), x: [gbsg.hormon], names: ['hormon'], weights: sw.weights, robust: true });
    expect(rel(fit.coef[0], fixture.weighted_cox.coef)).toBeLessThan(1e-6);
    expect(rel(fit.terms[0].se, fixture.weighted_cox.se)).toBeLessThan(1e-6);
    expect(rel(fit.terms[0].robustSe ?? Number.NaN, fixture.weighted_cox.robust_se)).toBeLessThan(1e-6);
  });
});

describe('propensity weighting: properties and errors', () => {
  it('weighting by a correctly specified propensity model reduces every imbalance (or keeps it < 0.02)', () => {
    const table = balanceTable(gbsg.hormon, covariates, stabilisedWeights(gbsg.hormon, ps.scores).weights);
    for (const row of table.rows) expect(Math.abs(row.after.smd)).toBeLessThan(Math.max(Math.abs(row.before.smd), 0.02));
  });

  it('a constant covariate has SMD 0, and unweighted numeric SMD uses the n − 1 variance', () => {
    const t = [1, 1, 1, 0, 0, 0];
    const table = balanceTable(t, [
      { name: 'c', kind: 'numeric', values: [5, 5, 5, 5, 5, 5] },
      { name: 'x', kind: 'numeric', values: [1, 2, 3, 2, 3, 4] },
    ], [1, 1, 1, 1, 1, 1]);
    expect(table.rows[0].before.smd).toBe(0);
    expect(table.rows[1].before.smd).toBeCloseTo(-1, 14);
  });

  it('rejects bad input with a specific message', () => {
    expect(() => stabilisedWeights([1, 0], [0.5, 1])).toThrow(/row 2 must be strictly between 0 and 1/);
    expect(() => stabilisedWeights([1, 1], [0.5, 0.4])).toThrow(/both treated and control/);
    expect(() => stabilisedWeights([1, 0], [0.5, 0.4], { lower: 0.9, upper: 0.1 })).toThrow(/truncation quantiles/);
    expect(() => balanceTable([1, 0], [{ name: 'b', kind: 'binary', values: [1, 2] }], [1, 1])).toThrow(/binary covariate b must be 0 or 1/);
  });
});
