import { describe, expect, it } from 'vitest';
import { logRankTest } from '../../src/stats/logrank.ts';
import { DATASETS, completeRows, entries, expectClose, grouping, loadDataset, survData, type JsonObject } from './kmFixtures.ts';

for (const name of DATASETS) {
  const dataset = loadDataset(name);
  const surv = (dataset.expected.dataset as JsonObject).surv as JsonObject;
  describe(`survdiff against R (${name})`, () => {
    for (const entry of entries(dataset, 'survdiff')) {
      it(entry.id as string, () => {
        const groupColumns = entry.group as string[];
        const strataColumn = entry.strata as string | null;
        const used = [surv.time as string, surv.event as string, ...groupColumns, ...(strataColumn ? [strataColumn] : [])];
        const rows = completeRows(dataset, used);
        const dropped: number[] = [];
        for (let i = 0; i < dataset.nRows; i++) if (!rows.includes(i)) dropped.push(i + 1);
        expect(dropped).toEqual(entry.rows_dropped);

        const data = survData(dataset, surv, rows);
        const result = logRankTest({
          ...data,
          group: grouping(dataset, groupColumns, rows),
          strata: strataColumn ? grouping(dataset, [strataColumn], rows, true) : undefined,
          rho: entry.rho as number,
        });
        expect(result.groups).toEqual(entry.groups);
        expectClose(result.n, entry.n, 'n');
        expectClose(result.observed, entry.observed, 'observed');
        expectClose(result.expected, entry.expected, 'expected');
        (entry.var as number[][]).forEach((row, g) => expectClose(result.variance[g], row, `var[${g}]`));
        expectClose(result.chisq, entry.chisq, 'chisq');
        expectClose(result.df, entry.df, 'df');
        expectClose(result.p, entry.p, 'p', { pValue: true });
        if (strataColumn) {
          const strata = result.strata;
          if (!strata) throw new Error('no per-stratum result');
          expect(strata.labels).toEqual(entry.strata_labels);
          expectClose(strata.n, entry.strata_n, 'strata_n');
          (entry.observed_by_stratum as number[][]).forEach((row, g) => expectClose(strata.observedByStratum[g], row, `observed_by_stratum[${g}]`));
          (entry.expected_by_stratum as number[][]).forEach((row, g) => expectClose(strata.expectedByStratum[g], row, `expected_by_stratum[${g}]`));
        } else {
          expect(result.strata).toBeNull();
        }
      });
    }
  });
}
