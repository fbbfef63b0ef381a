import { describe, expect, it } from 'vitest';
import { fitLogistic, type LogisticFit } from '../../src/stats/logistic.ts';
import { completeRows, indicator, readMethodsFixture, readReferenceCsv, take } from '../fixtures/methods/load.ts';

const fixture = readMethodsFixture();
const gbsg = readReferenceCsv('gbsg');
const lung = readReferenceCsv('lung');
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

function expectMatchesR(fit: LogisticFit, id: string): void {
  const r = fixture.logistic.find((e) => e.id === id);
  if (!r) throw new Error(`fixture ${id} missing`);
  expect(fit.n).toBe(r.n);
  fit.terms.forEach((t, j) => {
    expect(rel(t.coef, r.coef[j])).toBeLessThan(1e-6);
    expect(rel(t.se, r.se[j])).toBeLessThan(1e-6);
    expect(rel(t.p, r.p[j])).toBeLessThan(1e-6);
  });
  expect(rel(fit.deviance, r.deviance)).toBeLessThan(1e-9);
  expect(rel(fit.nullDeviance, r.null_deviance)).toBeLessThan(1e-9);
  let maxFittedDiff = 0;
  fit.fitted.forEach((m, i) => (maxFittedDiff = Math.max(maxFittedDiff, Math.abs(m - r.fitted[i]))));
  expect(maxFittedDiff).toBeLessThan(1e-9);
}

const gbsgColumns = [gbsg.age, gbsg.meno, gbsg.size, indicator(gbsg.grade, 2), indicator(gbsg.grade, 3), gbsg.nodes, gbsg.pgr, gbsg.er];
const gbsgNames = ['age', 'meno', 'size', 'factor(grade)2', 'factor(grade)3', 'nodes', 'pgr', 'er'];

describe('logistic regression against R glm(binomial)', () => {
  it('gbsg: hormon on 8 covariates with a dummy-coded factor', () => {
    const fit = fitLogistic({ y: gbsg.hormon, x: gbsgColumns, names: gbsgNames });
    expect(fit.converged).toBe(true);
    expect(fit.warnings).toEqual([]);
    expect(fit.terms.map((t) => t.term)).toEqual(['(Intercept)', ...gbsgNames]);
    expectMatchesR(fit, 'gbsg_hormon');
    const r = fixture.logistic[0];
    expect(rel(fit.logLik, r.loglik)).toBeLessThan(1e-9);
  });

  it('gbsg: non-integer prior weights', () => {
    const fit = fitLogistic({ y: gbsg.hormon, x: [gbsg.age, gbsg.nodes, gbsg.pgr], names: ['age', 'nodes', 'pgr'], weights: gbsg.w });
    expectMatchesR(fit, 'gbsg_hormon_weighted');
  });

  it('lung: rows with a missing covariate dropped as na.omit does', () => {
    const rows = completeRows(lung, ['sex', 'age', 'ph.ecog', 'wt.loss']);
    const dropped = fixture.logistic[2].rows_dropped;
    expect(lung.sex.length - rows.length).toBe(dropped.length);
    const y = take(lung.sex, rows).map((s) => (s === 2 ? 1 : 0));
    const fit = fitLogistic({ y, x: ['age', 'ph.ecog', 'wt.loss'].map((c) => take(lung[c], rows)), names: ['age', 'ph.ecog', 'wt.loss'] });
    expectMatchesR(fit, 'lung_female');
  });
});

describe('logistic regression: defining properties', () => {
  const x = [gbsg.age, gbsg.nodes, gbsg.pgr];
  const names = ['age', 'nodes', 'pgr'];
  const base = fitLogistic({ y: gbsg.hormon, x, names });

  it('the score X′(y − μ) is zero at the solution', () => {
    const cols = [new Float64Array(gbsg.age.length).fill(1), ...x];
    for (const col of cols) {
      let u = 0;
      let scale = 0;
      col.forEach((v, i) => {
        u += v * (gbsg.hormon[i] - base.fitted[i]);
        scale += Math.abs(v);
      });
      expect(Math.abs(u) / scale).toBeLessThan(1e-10);
    }
  });

  it('shifting and rescaling a covariate rescales its slope only', () => {
    const shifted = fitLogistic({ y: gbsg.hormon, x: [gbsg.age.map((a) => (a - 50) / 10), gbsg.nodes, gbsg.pgr], names });
    expect(rel(shifted.coef[1], base.coef[1] * 10)).toBeLessThan(1e-8);
    expect(rel(shifted.coef[2], base.coef[2])).toBeLessThan(1e-8);
    expect(rel(shifted.deviance, base.deviance)).toBeLessThan(1e-12);
  });

  it('row order does not matter', () => {
    const n = gbsg.age.length;
    const order = Array.from({ length: n }, (_, i) => (i * 37) % n);
    const fit = fitLogistic({ y: take(gbsg.hormon, order), x: x.map((c) => take(c, order)), names });
    fit.coef.forEach((b, j) => expect(rel(b, base.coef[j])).toBeLessThan(1e-9));
  });

  it('a weight of 2 equals a duplicated row', () => {
    const n = 200;
    const w = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 2 : 1));
    const rows: number[] = [];
    for (let i = 0; i < n; i++) for (let k = 0; k < w[i]; k++) rows.push(i);
    const first = Array.from({ length: n }, (_, i) => i);
    const weighted = fitLogistic({ y: take(gbsg.hormon, first), x: x.map((c) => take(c, first)), names, weights: w });
    const duplicated = fitLogistic({ y: take(gbsg.hormon, rows), x: x.map((c) => take(c, rows)), names });
    weighted.coef.forEach((b, j) => expect(rel(b, duplicated.coef[j])).toBeLessThan(1e-9));
    weighted.terms.forEach((t, j) => expect(rel(t.se, duplicated.terms[j].se)).toBeLessThan(1e-9));
  });

  it('warns about separation instead of returning silent huge coefficients', () => {
    const xs = Float64Array.from({ length: 40 }, (_, i) => i);
    const y = xs.map((v) => (v >= 20 ? 1 : 0));
    const fit = fitLogistic({ y, x: [xs], names: ['x'] });
    expect(fit.separation).toBe(true);
    expect(fit.warnings.join(' ')).toMatch(/separation/);
  });

  it('rejects bad input with a specific message', () => {
    expect(() => fitLogistic({ y: [0, 1, 2], x: [Float64Array.of(1, 2, 3)], names: ['a'] })).toThrow(/must be 0 or 1, row 3/);
    expect(() => fitLogistic({ y: [0, 1, 0], x: [Float64Array.of(1, Number.NaN, 3)], names: ['a'] })).toThrow(/missing or non-finite value at row 2/);
    const a = Float64Array.of(1, 2, 3, 4, 5, 6);
    expect(() => fitLogistic({ y: [0, 1, 0, 1, 1, 0], x: [a, a.map((v) => 2 * v)], names: ['a', 'b'] })).toThrow(/singular/);
  });
});
