import { describe, expect, it } from 'vitest';
import { fitCox } from '../../src/stats/cox/index.ts';
import { selectCoxModel, type CandidateTerm, type SelectionCriterion } from '../../src/stats/modelSelection/index.ts';
import { completeRows, indicator, readMethodsFixture, readReferenceCsv, take } from '../fixtures/methods/load.ts';

const fixture = readMethodsFixture().model_selection;
const lung = readReferenceCsv('lung');
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

const numeric = (name: string): CandidateTerm => ({ term: name, columns: [lung[name]], columnNames: [name] });
const candidates: CandidateTerm[] = [
  numeric('age'),
  numeric('sex'),
  {
    term: 'factor(ph.ecog)',
    columns: [1, 2, 3].map((level) => indicator(lung['ph.ecog'], level)),
    columnNames: ['factor(ph.ecog)1', 'factor(ph.ecog)2', 'factor(ph.ecog)3'],
  },
  numeric('ph.karno'),
  numeric('pat.karno'),
  numeric('meal.cal'),
  numeric('wt.loss'),
];
const outcome = { stop: lung.time, event: Uint8Array.from(lung.status, (s) => (s === 2 ? 1 : 0)), ties: 'efron' as const };

describe.each(['wald', 'lrt'] as SelectionCriterion[])('model selection on lung against R (%s criterion)', (criterion) => {
  const expected = fixture[criterion];
  const result = selectCoxModel({ ...outcome, candidates, criterion });

  it('names the criterion and thresholds it used', () => {
    expect(result.criterion).toBe(criterion);
    expect(result.criterionDescription).toMatch(criterion === 'wald' ? /Wald/ : /likelihood-ratio/);
    expect([result.enter, result.stay]).toEqual([fixture.enter, fixture.stay]);
  });

  it('univariate tests per term (a factor is one 3-df term) match R', () => {
    expect(result.univariate.map((u) => u.term)).toEqual(expected.univariate.terms);
    result.univariate.forEach((u, i) => {
      expect(rel(u.stat, expected.univariate.stat[i])).toBeLessThan(1e-6);
      expect(u.df).toBe(expected.univariate.df[i]);
      expect(rel(u.p, expected.univariate.p[i])).toBeLessThan(1e-6);
    });
  });

  it('enters the terms with p <= 0.2 and eliminates in the same order with the same p-values', () => {
    expect(result.entered).toEqual(expected.entered);
    expect(result.nComplete).toBe(expected.n_complete);
    const removed = result.steps.filter((s) => s.removed !== null);
    expect(removed.map((s) => s.removed)).toEqual(expected.removed);
    removed.forEach((s, k) => {
      const p = s.tests.find((t) => t.term === s.removed)?.p ?? Number.NaN;
      expect(rel(p, expected.removed_p[k])).toBeLessThan(1e-6);
      expect(Math.max(...s.tests.map((t) => t.p))).toBe(p);
      expect(p).toBeGreaterThan(0.05);
    });
    const last = result.steps[result.steps.length - 1];
    expect(last.removed).toBeNull();
    for (const t of last.tests) expect(t.p).toBeLessThanOrEqual(0.05);
  });

  it('the final model is the fitCox refit of the kept terms on the complete cases', () => {
    expect(result.finalTerms).toEqual(expected.final_terms);
    const fit = result.finalFit;
    if (fit === null) throw new Error('expected a final model');
    expect(fit.terms.map((t) => t.term)).toEqual(['sex', 'factor(ph.ecog)1', 'factor(ph.ecog)2', 'factor(ph.ecog)3']);
    fit.terms.forEach((t, j) => {
      expect(rel(t.coef, expected.final_coef[j])).toBeLessThan(1e-6);
      expect(rel(t.se, expected.final_se[j])).toBeLessThan(1e-6);
    });
    const rows = completeRows(lung, ['age', 'sex', 'ph.ecog', 'ph.karno', 'pat.karno']);
    const refit = fitCox({
      stop: take(lung.time, rows),
      event: Uint8Array.from(rows, (i) => (lung.status[i] === 2 ? 1 : 0)),
      x: [take(lung.sex, rows), ...[1, 2, 3].map((l) => take(indicator(lung['ph.ecog'], l), rows))],
      names: ['sex', 'e1', 'e2', 'e3'],
    });
    refit.coef.forEach((b, j) => expect(b).toBe(fit.coef[j]));
  });
});

describe('model selection options and errors', () => {
  it('a forced term stays in the model and is never tested for removal', () => {
    const result = selectCoxModel({ ...outcome, candidates, criterion: 'wald', forced: ['meal.cal'] });
    expect(result.entered).toContain('meal.cal');
    expect(result.finalTerms).toContain('meal.cal');
    for (const step of result.steps) expect(step.tests.map((t) => t.term)).not.toContain('meal.cal');
  });

  it('a stricter stay threshold removes at least as many terms', () => {
    const strict = selectCoxModel({ ...outcome, candidates, criterion: 'lrt', stay: 0.001 });
    expect(strict.finalTerms).toEqual(['factor(ph.ecog)']);
  });

  it('rejects bad specifications with a specific message', () => {
    expect(() => selectCoxModel({ ...outcome, candidates, criterion: 'wald', forced: ['nope'] })).toThrow(/forced term "nope"/);
    expect(() => selectCoxModel({ ...outcome, candidates: [], criterion: 'wald' })).toThrow(/at least one candidate/);
    expect(() => selectCoxModel({ ...outcome, candidates, criterion: 'wald', stay: 0 })).toThrow(/stay threshold/);
  });
});
