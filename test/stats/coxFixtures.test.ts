// Every coxph[] entry of every R fixture (README in test/fixtures/reference): one test per entry.
import { describe, expect, it } from 'vitest';
import { fitCox } from '../../src/stats/cox/index.ts';
import type { CoxFit, CoxTest } from '../../src/stats/cox/index.ts';
import { buildDesign } from '../../src/stats/design.ts';
import { DATASETS, designName, loadExpected, loadTable, mismatch, num, specFor } from './fixtures.ts';
import type { FixtureCox, FixtureCoxResult, FixtureTest, JsonNumber } from './fixtures.ts';

class Diffs {
  readonly list: string[] = [];
  check(label: string, actual: number, expected: JsonNumber, opts: { rel?: number; abs?: number; pValue?: boolean } = {}): void {
    const m = mismatch(actual, expected, opts);
    if (m !== null) this.list.push(`${label}: ${m}`);
  }
  test(label: string, actual: CoxTest, expected: FixtureTest): void {
    this.check(`${label}.stat`, actual.stat, expected.stat);
    if (actual.df !== expected.df) this.list.push(`${label}.df: ${actual.df} vs ${expected.df}`);
    this.check(`${label}.p`, actual.p, expected.p, { pValue: true });
  }
}

function compare(fit: CoxFit, entry: FixtureCox, result: FixtureCoxResult, rowsDropped: number[]): string[] {
  const d = new Diffs();
  if (fit.n !== result.n) d.list.push(`n ${fit.n} vs ${result.n}`);
  if (fit.nevent !== result.nevent) d.list.push(`nevent ${fit.nevent} vs ${result.nevent}`);
  if (fit.iterations !== result.iter) d.list.push(`iterations ${fit.iterations} vs ${result.iter}`);
  if (rowsDropped.join(',') !== result.rows_dropped.join(',')) d.list.push(`rows_dropped ${rowsDropped.join(',')} vs ${result.rows_dropped.join(',')}`);
  if (fit.robust !== (result.inference_se === 'robust')) d.list.push(`robust ${fit.robust} vs ${result.inference_se}`);
  const names = result.coefficients.map((c) => designName(c.design));
  if (names.join('|') !== fit.terms.map((t) => t.term).join('|')) d.list.push(`terms ${fit.terms.map((t) => t.term).join('|')} vs ${names.join('|')}`);
  result.coefficients.forEach((c, j) => {
    const t = fit.terms[j];
    d.check(`${c.name}.coef`, t.coef, c.beta);
    d.check(`${c.name}.se`, t.se, c.se);
    if (c.robust_se === null) {
      if (t.robustSe !== null) d.list.push(`${c.name}.robustSe should be null`);
    } else d.check(`${c.name}.robustSe`, t.robustSe ?? Number.NaN, c.robust_se);
    d.check(`${c.name}.hr`, t.hr, c.hr);
    d.check(`${c.name}.lower`, t.lower, c.hr_lower95);
    d.check(`${c.name}.upper`, t.upper, c.hr_upper95);
    d.check(`${c.name}.z`, t.z, c.z);
    d.check(`${c.name}.p`, t.p, c.p, { pValue: true });
    d.check(`${c.name}.mean`, fit.means[j], result.means[c.name]);
  });
  d.check('loglik.null', fit.loglik.null, result.loglik_null);
  d.check('loglik.model', fit.loglik.model, result.loglik);
  d.test('lrt', fit.tests.likelihoodRatio, result.lrt);
  d.test('wald', fit.tests.wald, result.wald);
  d.test('score', fit.tests.score, result.score);
  if (result.wald_model !== undefined) d.test('wald_model', fit.tests.waldModel, result.wald_model);
  if (result.robust_score === null) {
    if (fit.tests.robustScore !== null) d.list.push('robustScore should be null');
  } else if (fit.tests.robustScore === null) d.list.push('robustScore missing');
  else d.test('robust_score', fit.tests.robustScore, result.robust_score);
  const c = result.concordance;
  d.check('concordance', fit.concordance.value, c.concordance);
  d.check('concordance.se', fit.concordance.se, c.se);
  d.check('concordant', fit.concordance.counts.concordant, c.concordant);
  d.check('discordant', fit.concordance.counts.discordant, c.discordant);
  d.check('tied_x', fit.concordance.counts.tiedX, c.tied_x);
  d.check('tied_y', fit.concordance.counts.tiedY, c.tied_y);
  d.check('tied_xy', fit.concordance.counts.tiedXY, c.tied_xy);
  const p = fit.coef.length;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      d.check(`var_model[${i}][${j}]`, fit.varModel[i][j], result.var_model[i][j]);
      if (result.var_robust !== null) d.check(`var_robust[${i}][${j}]`, fit.varRobust?.[i][j] ?? Number.NaN, result.var_robust[i][j]);
    }
  }
  if (fit.warnings.length !== entry.warnings.length) d.list.push(`warnings ${JSON.stringify(fit.warnings)} vs ${JSON.stringify(entry.warnings)}`);
  return d.list;
}

for (const name of DATASETS) {
  const file = loadExpected(name);
  describe(`coxph fixtures: ${name}`, () => {
    for (const entry of file.coxph) {
      it(entry.id, () => {
        const result = entry.result;
        expect(result).not.toBeNull();
        if (result === null) return;
        const design = buildDesign(loadTable(name), specFor(file, entry));
        const fit = fitCox({ ...design.input, ties: entry.ties, robust: entry.robust_requested });
        expect(compare(fit, entry, result, design.rowsDropped)).toEqual([]);
        expect(num(result.loglik)).toBeLessThan(0);
      });
    }
  });
}
