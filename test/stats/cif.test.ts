import { describe, expect, it } from 'vitest';
import { cumulativeIncidence } from '../../src/stats/competingRisks/index.ts';
import { DATASETS, column, completeRows, entries, expectClose, grouping, loadDataset, numbers, type Json, type JsonObject } from './kmFixtures.ts';

for (const name of DATASETS) {
  const dataset = loadDataset(name);
  const cases = entries(dataset, 'competing_risks');
  if (cases.length === 0) continue;
  describe(`Aalen-Johansen cumulative incidence against R (${name})`, () => {
    for (const entry of cases) {
      it(entry.id as string, () => {
        const groupColumn = entry.group as string | null;
        const statusColumn = entry.status as string;
        const rows = completeRows(dataset, [entry.time as string, statusColumn, ...(groupColumn ? [groupColumn] : [])]);
        const levels = entry.status_levels as string[];
        const status = column(dataset, statusColumn);
        const data = {
          time: numbers(dataset, entry.time as string, rows),
          status: Int32Array.from(rows, (i) => levels.indexOf(status[i] as string)),
          causes: levels.slice(1),
        };
        const strata = entry.strata as JsonObject[];
        const requested = (strata[0].at_times as JsonObject).requested as number[];
        const curves = cumulativeIncidence(data, { times: requested }, groupColumn ? grouping(dataset, [groupColumn], rows) : undefined);
        expect(curves.map((c) => c.group ?? 'all')).toEqual(strata.map((s) => s.label));
        curves.forEach((curve, g) => {
          expect(curve.states).toEqual(entry.states);
          const at = `${entry.id as string} ${strata[g].label as string}`;
          const table = strata[g].table as JsonObject;
          expectClose(curve.table.time, table.time, `${at} time`);
          expectClose(curve.table.nRisk, table.n_risk, `${at} n_risk`);
          expectClose(curve.table.nCensor, table.n_censor, `${at} n_censor`);
          const atTimes = strata[g].at_times as JsonObject;
          expectClose(curve.at?.time ?? [], atTimes.time, `${at} at time`);
          expect(curve.at?.beyondLastTime).toEqual(atTimes.beyond_last_time);
          expectClose(curve.at?.nRisk ?? [], atTimes.n_risk, `${at} at n_risk`);
          curve.states.forEach((state, s) => {
            const pick = (block: Json, key: string): Json => ((block as JsonObject)[key] as JsonObject)[state];
            expectClose(curve.table.nEvent[s], pick(table, 'n_event'), `${at} n_event ${state}`);
            expectClose(curve.table.pstate[s], pick(table, 'pstate'), `${at} pstate ${state}`);
            expectClose(curve.table.stdErr[s], pick(table, 'std_err'), `${at} std_err ${state}`);
            expectClose(curve.table.band[s].lower, pick(table, 'lower'), `${at} lower ${state}`);
            expectClose(curve.table.band[s].upper, pick(table, 'upper'), `${at} upper ${state}`);
            const values = curve.at;
            if (!values) throw new Error('no values at times');
            expectClose(values.pstate[s], pick(atTimes, 'pstate'), `${at} at pstate ${state}`);
            expectClose(values.stdErr[s], pick(atTimes, 'std_err'), `${at} at std_err ${state}`);
            expectClose(values.band[s].lower, pick(atTimes, 'lower'), `${at} at lower ${state}`);
            expectClose(values.band[s].upper, pick(atTimes, 'upper'), `${at} at upper ${state}`);
          });
        });
      });
    }
  });
}
