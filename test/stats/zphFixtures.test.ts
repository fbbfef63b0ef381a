// Every cox_zph[] entry of every R fixture: the 3.x score test per term (a factor as one multi-df test
// when terms = TRUE) and GLOBAL, for the km, identity and rank transforms and both tie methods.
import { describe, expect, it } from 'vitest';
import { coxZph, fitCox } from '../../src/stats/cox/index.ts';
import { buildDesign } from '../../src/stats/design.ts';
import { DATASETS, loadExpected, loadTable, mismatch, specFor } from './fixtures.ts';

/** One design and fit per (data set, model, ties); the zph entries of a model share them. */
const fits = new Map<string, { design: ReturnType<typeof buildDesign>; fit: ReturnType<typeof fitCox> }>();

for (const name of DATASETS) {
  const file = loadExpected(name);
  describe(`cox.zph fixtures: ${name}`, () => {
    for (const entry of file.cox_zph) {
      const id = `${name}.${entry.model_id}.${entry.ties}.${entry.transform}.${entry.terms ? 'terms' : 'columns'}`;
      it(id, () => {
        const model = file.coxph.find((c) => c.model_id === entry.model_id && c.ties === entry.ties);
        expect(model).toBeDefined();
        if (model === undefined) return;
        const key = `${name}.${model.model_id}.${model.ties}`;
        let cached = fits.get(key);
        if (cached === undefined) {
          const design = buildDesign(loadTable(name), specFor(file, model));
          cached = { design, fit: fitCox({ ...design.input, ties: entry.ties, robust: model.robust_requested }) };
          fits.set(key, cached);
        }
        const { design, fit } = cached;
        const byTerm = entry.terms;
        const zph = coxZph(design.input, fit, {
          transform: entry.transform,
          termColumns: byTerm ? design.terms.map((t) => t.columns) : design.input.names.map((_, j) => [j]),
        });
        const rows = [...zph.terms, zph.global];
        expect(rows.length).toBe(entry.table.length);
        const diffs: string[] = [];
        entry.table.forEach((want, k) => {
          const got = rows[k];
          const m1 = mismatch(got.chisq, want.chisq);
          const m2 = mismatch(got.p, want.p, { pValue: true });
          if (m1 !== null) diffs.push(`${want.term}.chisq: ${m1}`);
          if (m2 !== null) diffs.push(`${want.term}.p: ${m2}`);
          if (got.df !== want.df) diffs.push(`${want.term}.df: ${got.df} vs ${want.df}`);
        });
        expect(diffs).toEqual([]);
      });
    }
  });
}
