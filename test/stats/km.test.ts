import { describe, it } from 'vitest';
import { survivalCurves, type ConfType } from '../../src/stats/km/index.ts';
import { DATASETS, completeRows, entries, expectClose, grouping, loadDataset, survData, type JsonObject } from './kmFixtures.ts';

const CONF: { type: ConfType; key: 'log' | 'loglog'; suffix: string }[] = [
  { type: 'log', key: 'log', suffix: '_log' },
  { type: 'log-log', key: 'loglog', suffix: '_loglog' },
];

for (const name of DATASETS) {
  const dataset = loadDataset(name);
  describe(`Kaplan-Meier against R (${name})`, () => {
    for (const entry of entries(dataset, 'km')) {
      it(entry.id as string, () => {
        const surv = entry.surv as JsonObject;
        const groupColumns = (entry.group as string[] | null) ?? [];
        const rows = completeRows(dataset, [surv.time as string, surv.event as string, ...groupColumns]);
        const data = survData(dataset, surv, rows);
        const groups = groupColumns.length > 0 ? grouping(dataset, groupColumns, rows) : undefined;
        const strata = entry.strata as JsonObject[];
        const endTimes = ([] as (number | null)[]).concat(entry.rmean_endtime as number);
        for (const conf of CONF) {
          const requested = ((strata[0].at_times as JsonObject).requested as number[]);
          const curves = survivalCurves(data, { confType: conf.type, times: requested }, groups);
          expectClose(curves.length, strata.length, 'number of curves');
          curves.forEach((curve, s) => {
            const expected = strata[s];
            const at = `${entry.id as string} ${expected.label as string}`;
            const label = curve.group ?? 'all';
            if (label !== expected.label) throw new Error(`${at}: curve label ${label}`);
            expectClose(curve.n, expected.n, `${at} n`);
            expectClose(curve.nEvent, expected.events, `${at} events`);
            const table = expected.table as JsonObject;
            expectClose(curve.table.time, table.time, `${at} time`);
            expectClose(curve.table.nRisk, table.n_risk, `${at} n_risk`);
            expectClose(curve.table.nEvent, table.n_event, `${at} n_event`);
            expectClose(curve.table.nCensor, table.n_censor, `${at} n_censor`);
            expectClose(curve.table.surv, table.surv, `${at} surv`);
            expectClose(curve.table.stdErrLogS, table.std_err_logS, `${at} std_err_logS`);
            expectClose(curve.table.cumhaz, table.cumhaz, `${at} cumhaz`);
            expectClose(curve.table.stdChaz, table.std_chaz, `${at} std_chaz`);
            expectClose(curve.band.lower, table[`lower${conf.suffix}`], `${at} lower${conf.suffix}`);
            expectClose(curve.band.upper, table[`upper${conf.suffix}`], `${at} upper${conf.suffix}`);

            const median = (expected.median as JsonObject)[conf.key] as JsonObject;
            expectClose(curve.median.value, median.median, `${at} median`);
            expectClose(curve.median.lower, median.lower, `${at} median lower (${conf.key})`);
            expectClose(curve.median.upper, median.upper, `${at} median upper (${conf.key})`);
            const quantiles = (expected.quantiles as JsonObject)[conf.key] as JsonObject;
            expectClose(curve.quantiles.value, quantiles.quantile, `${at} quantiles`);
            expectClose(curve.quantiles.lower, quantiles.lower, `${at} quantile lower (${conf.key})`);
            expectClose(curve.quantiles.upper, quantiles.upper, `${at} quantile upper (${conf.key})`);

            expectClose(curve.rmean.endTime, endTimes[s] ?? endTimes[0], `${at} rmean end time`);
            expectClose(curve.rmean.value, expected.rmean, `${at} rmean`);
            expectClose(curve.rmean.se, expected.rmean_se, `${at} rmean se`);

            const atTimes = expected.at_times as JsonObject;
            const values = curve.at;
            if (!values) throw new Error(`${at}: no values at times`);
            expectClose(values.time, atTimes.time, `${at} at time`);
            if (JSON.stringify(values.beyondLastTime) !== JSON.stringify(atTimes.beyond_last_time)) throw new Error(`${at}: beyond_last_time ${JSON.stringify(values.beyondLastTime)}`);
            expectClose(values.nRisk, atTimes.n_risk, `${at} at n_risk`);
            expectClose(values.nEvent, atTimes.n_event, `${at} at n_event`);
            expectClose(values.nCensor, atTimes.n_censor, `${at} at n_censor`);
            expectClose(values.surv, atTimes.surv, `${at} at surv`);
            expectClose(values.stdErrSurv, atTimes.std_err_surv, `${at} at std_err_surv`);
            expectClose(values.cumhaz, atTimes.cumhaz, `${at} at cumhaz`);
            expectClose(values.stdChaz, atTimes.std_chaz, `${at} at std_chaz`);
            expectClose(values.lower, atTimes[`lower${conf.suffix}`], `${at} at lower${conf.suffix}`);
            expectClose(values.upper, atTimes[`upper${conf.suffix}`], `${at} at upper${conf.suffix}`);
          });
        }
      });
    }
  });
}
