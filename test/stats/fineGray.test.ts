import { describe, expect, it } from 'vitest';
import type { CoxTest } from '../../src/stats/cox/index.ts';
import { buildDesign } from '../../src/stats/design.ts';
import { fitFineGray } from '../../src/stats/fineGray/index.ts';
import { DATASETS, column, entries, expectClose, loadDataset, type Json, type JsonObject } from './kmFixtures.ts';

const expectTest = (actual: CoxTest | null, expected: Json, what: string): void => {
  if (expected === null) {
    expect(actual, what).toBeNull();
    return;
  }
  if (actual === null) throw new Error(`${what}: missing`);
  const e = expected as JsonObject;
  expectClose(actual.stat, e.stat, `${what} stat`);
  expectClose(actual.df, e.df, `${what} df`);
  expectClose(actual.p, e.p, `${what} p`, { pValue: true });
};

for (const name of DATASETS) {
  const dataset = loadDataset(name);
  const cases = entries(dataset, 'fine_gray');
  if (cases.length === 0) continue;
  const aj = entries(dataset, 'competing_risks')[0];
  describe(`Fine-Gray against R (${name})`, () => {
    for (const entry of cases) {
      it(entry.id as string, () => {
        const levels = aj.status_levels as string[];
        const statusColumn = aj.status as string;
        const table = Object.fromEntries(dataset.columns);
        // The design (numeric age, sex dummy) comes from the shared design builder; rows are complete here.
        const design = buildDesign(table, { time: aj.time as string, event: statusColumn, eventValue: entry.etype as string, covariates: entry.covariate_terms as string[] });
        expect(design.rowsDropped).toEqual([]);
        const status = column(dataset, statusColumn);
        const ids = column(dataset, 'id');
        const fg = fitFineGray({
          time: design.input.stop,
          status: Int32Array.from(design.rowsUsed, (i) => levels.indexOf(status[i] as string)),
          cause: levels.indexOf(entry.etype as string),
          x: design.input.x,
          names: design.input.names,
          ties: entry.ties as 'efron' | 'breslow',
          subject: entry.cluster === 'id' ? Int32Array.from(design.rowsUsed, (i) => Number(ids[i])) : undefined,
        });
        expect(fg.expanded.row.length).toBe(entry.n_expanded_rows);
        const result = entry.result as JsonObject;
        const fit = fg.fit;
        expect(fit.warnings).toEqual(entry.warnings);
        expect(fit.n).toBe(result.n);
        expect(fit.nevent).toBe(result.nevent);
        expect(fit.iterations).toBe(result.iter);
        expect(fit.robust).toBe(result.inference_se === 'robust');
        (result.coefficients as JsonObject[]).forEach((c, j) => {
          const term = fit.terms[j];
          const at = `${c.name as string}`;
          expectClose(term.coef, c.beta, `${at} beta`);
          expectClose(term.se, c.se, `${at} se (model)`);
          expectClose(term.robustSe ?? Number.NaN, c.robust_se, `${at} robust se`);
          expectClose(term.hr, c.hr, `${at} hr`);
          expectClose(term.z, c.z, `${at} z`);
          expectClose(term.p, c.p, `${at} p`, { pValue: true });
          expectClose(term.lower, c.hr_lower95, `${at} lower`);
          expectClose(term.upper, c.hr_upper95, `${at} upper`);
          expectClose(fit.means[j], (result.means as JsonObject)[c.name as string], `${at} mean`);
        });
        expectClose(fit.loglik.null, result.loglik_null, 'loglik null');
        expectClose(fit.loglik.model, result.loglik, 'loglik');
        expectTest(fit.tests.likelihoodRatio, result.lrt, 'lrt');
        expectTest(fit.tests.wald, result.wald, 'wald');
        expectTest(fit.tests.waldModel, result.wald_model ?? null, 'wald (model)');
        expectTest(fit.tests.score, result.score, 'score');
        expectTest(fit.tests.robustScore, result.robust_score, 'robust score');
        const concordance = result.concordance as JsonObject;
        expectClose(fit.concordance.value, concordance.concordance, 'concordance');
        expectClose(fit.concordance.se, concordance.se, 'concordance se');
        expectClose(fit.concordance.counts.concordant, concordance.concordant, 'concordant');
        expectClose(fit.concordance.counts.discordant, concordance.discordant, 'discordant');
        expectClose(fit.concordance.counts.tiedX, concordance.tied_x, 'tied_x');
        expectClose(fit.concordance.counts.tiedY, concordance.tied_y, 'tied_y');
        (result.var_model as number[][]).forEach((row, i) => expectClose(fit.varModel[i], row, `var_model[${i}]`));
        (result.var_robust as number[][]).forEach((row, i) => expectClose(fit.varRobust?.[i] ?? [], row, `var_robust[${i}]`));
      });
    }
  });
}
