import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { boundariesReport } from '../../src/cli/stats/boundariesMethod.ts';
import { cifReport } from '../../src/cli/stats/cifMethod.ts';
import { coxReport } from '../../src/cli/stats/coxMethod.ts';
import { kmReport } from '../../src/cli/stats/kmMethod.ts';
import { logRankReport } from '../../src/cli/stats/logrankMethod.ts';
import { followUpReport } from '../../src/cli/stats/followupMethod.ts';
import { StatsUsageError } from '../../src/cli/stats/statsUsageError.ts';
import { csvPath, expectClose, loadDataset, type Json, type JsonObject } from '../stats/kmFixtures.ts';

// The CLI's report functions in-process (CSV reading, argument parsing, JSON shape), against R's values.
// stats.test.ts spawns the binary for the end-to-end path and exit codes.
const lung = loadDataset('lung');
const veteran = loadDataset('veteran');
const asJson = (value: unknown): JsonObject => JSON.parse(JSON.stringify(value)) as JsonObject;
const find = (entries: Json, id: string): JsonObject => {
  const entry = (entries as JsonObject[]).find((e) => e.id === id);
  if (!entry) throw new Error(`fixture ${id} missing`);
  return entry;
};
const pluck = (rows: Json, key: string): number[] => (rows as JsonObject[]).map((row) => (row[key] === null ? Number.NaN : (row[key] as number)));
const lungSurv = { csv: csvPath('lung'), time: 'time', event: 'status', eventValue: '2' };
const obf = { alpha: '0.05', sides: '2', type: 'obf' };

// A CSV with a bad time in one row of each time column (written once for the file's tests).
const badDir = mkdtempSync(join(tmpdir(), 'stats-bad-'));
afterAll(() => rmSync(badDir, { recursive: true, force: true }));
const badTimes = { csv: join(badDir, 'bad.csv'), event: 'status', eventValue: '1' };
writeFileSync(badTimes.csv, 'negative,infinite,nan,status,arm,x\n3,3,NaN,1,a,0.5\n-1.5,4,4,0,b,1.5\n5,inf,5,1,a,2.5\n7,7,7,1,b,0.1\n');

describe('cohortwatch stats report functions', () => {
  it('km --conf-type log-log matches lung.km.ph.ecog and writes null where S reaches 0', async () => {
    const out = asJson(await kmReport({ ...lungSurv, group: 'ph.ecog', confType: 'log-log' }));
    const strata = find(lung.expected.km, 'lung.km.ph.ecog').strata as JsonObject[];
    const curves = out.curves as JsonObject[];
    expect(curves.map((c) => c.group)).toEqual(['0', '1', '2', '3']);
    expect(out.rowsDropped).toBe(1);
    curves.forEach((curve, s) => {
      const table = strata[s].table as JsonObject;
      expectClose(pluck(curve.table, 'lower'), table.lower_loglog, 'lower');
      expectClose(pluck(curve.table, 'upper'), table.upper_loglog, 'upper');
      const median = (strata[s].median as JsonObject).loglog as JsonObject;
      const got = curve.median as JsonObject;
      expectClose([got.value, got.lower, got.upper].map((v) => (v === null ? Number.NaN : (v as number))), [median.median, median.lower, median.upper], 'median');
    });
    expect((curves[2].table as JsonObject[]).at(-1)).toMatchObject({ surv: 0, stdErrLogS: null, lower: null, upper: null });
  });

  it('logrank --rho 1 matches lung.survdiff.sex_rho1', async () => {
    const out = asJson(await logRankReport({ ...lungSurv, group: 'sex', rho: '1' }));
    const expected = find(lung.expected.survdiff, 'lung.survdiff.sex_rho1');
    expectClose(out.chisq as number, expected.chisq, 'chisq');
    expectClose(out.p as number, expected.p, 'p');
    expectClose(pluck(out.groups, 'observed'), expected.observed, 'observed');
    expectClose(pluck(out.groups, 'expected'), expected.expected, 'expected');
  });

  it('cox with --levels in R\'s order matches veteran.multi.efron', async () => {
    const out = asJson(await coxReport({
      csv: csvPath('veteran'), time: 'time', event: 'status', eventValue: '1',
      covariates: 'trt,celltype,karno,diagtime,age,prior', levels: ['celltype=squamous|smallcell|adeno|large'],
    }));
    const result = find(veteran.expected.coxph, 'veteran.multi.efron').result as JsonObject;
    const coefficients = result.coefficients as JsonObject[];
    expect((out.terms as JsonObject[]).map((t) => t.term)).toEqual(['trt', 'celltype=smallcell', 'celltype=adeno', 'celltype=large', 'karno', 'diagtime', 'age', 'prior']);
    expectClose(pluck(out.terms, 'coef'), coefficients.map((c) => c.beta), 'coef');
    expectClose(pluck(out.terms, 'se'), coefficients.map((c) => c.se), 'se');
    expectClose(((out.tests as JsonObject).wald as JsonObject).stat as number, (result.wald as JsonObject).stat, 'wald');
    expectClose((out.concordance as JsonObject).se as number, (result.concordance as JsonObject).se, 'concordance se');
  });

  it('followup on lung matches R', async () => {
    const out = asJson(await followUpReport(lungSurv));
    const expected = lung.expected.reverse_km_followup as JsonObject;
    expect(out.reverseKm).toEqual({ median: expected.median, lower: expected.lower, upper: expected.upper });
  });

  const bad: [string, () => unknown, RegExp][] = [
    ['an unknown CI type', () => kmReport({ ...lungSurv, confType: 'logit' }), /--conf-type "logit" must be one of log, log-log, plain/],
    ['a file that does not exist', () => followUpReport({ ...lungSurv, csv: 'no/such.csv' }), /cannot read --csv no\/such.csv: no such file/],
    ['a non-numeric time column', () => kmReport({ csv: csvPath('mgus2'), time: 'sex', event: 'death', eventValue: '1', confType: 'log' }), /column "sex" has the non-numeric value "F" in data row 1/],
    ['bad --times', () => kmReport({ ...lungSurv, confType: 'log', times: '365,one' }), /--times "365,one" must be comma-separated numbers/],
    ['an unknown covariate', () => coxReport({ ...lungSurv, covariates: 'age,nope', levels: [] }), /column "nope" is not in .*lung.csv/],
    ['a malformed --levels', () => coxReport({ ...lungSurv, covariates: 'age,sex', levels: ['sex'] }), /--levels "sex" must look like column=a\|b\|c/],
    ['--firth with a robust variance', () => coxReport({ ...lungSurv, covariates: 'age', levels: [], firth: true, robust: true }), /--firth has no robust variance/],
    ['a level missing from --levels', () => coxReport({ ...lungSurv, covariates: 'age,sex', levels: ['sex=1'] }), /value "2" .* not among its levels 1/],
    ['a negative time in km', () => kmReport({ ...badTimes, time: 'negative', confType: 'log' }), /column "negative" has the negative time -1.5 in data row 2/],
    ['a negative time in logrank', () => logRankReport({ ...badTimes, time: 'negative', group: 'arm', rho: '0' }), /column "negative" has the negative time -1.5 in data row 2/],
    ['a negative time in cif', () => cifReport({ csv: badTimes.csv, time: 'negative', status: 'status', censorValue: '0' }), /column "negative" has the negative time -1.5 in data row 2/],
    ['a negative time in followup', () => followUpReport({ ...badTimes, time: 'negative' }), /column "negative" has the negative time -1.5 in data row 2/],
    ['a negative time in cox', () => coxReport({ ...badTimes, time: 'negative', covariates: 'x', levels: [] }), /column "negative" has the negative time -1.5 in data row 2/],
    ['an infinite time', () => kmReport({ ...badTimes, time: 'infinite', confType: 'log' }), /column "infinite" has a non-finite value \(NaN or infinite\) in data row 3/],
    ['a NaN time', () => coxReport({ ...badTimes, time: 'nan', covariates: 'x', levels: [] }), /column "nan" has a non-finite value \(NaN or infinite\) in data row 1/],
    ['km --times below 0', () => kmReport({ ...lungSurv, confType: 'log', times: '30,-1' }), /--times "30,-1" must not be negative \(-1 is\)/],
    ['boundaries --rates above 1', () => boundariesReport({ ...obf, rates: '0.5,1.2' }), /--rates "0.5,1.2" must be information fractions in \(0, 1\], strictly increasing/],
    ['boundaries --rates of 0', () => boundariesReport({ ...obf, rates: '0,0.5,1' }), /--rates "0,0.5,1" must be information fractions/],
    ['boundaries --rates not increasing', () => boundariesReport({ ...obf, rates: '0.5,0.5,1' }), /--rates "0.5,0.5,1" must be information fractions/],
  ];
  for (const [what, run, message] of bad) {
    it(`refuses ${what} with a one-line usage error`, async () => {
      // Some reports are synchronous (no CSV): run inside an async function so both kinds reject.
      const attempt = (): Promise<unknown> => Promise.resolve().then(run);
      await expect(attempt()).rejects.toThrow(StatsUsageError);
      await expect(attempt()).rejects.toThrow(message);
    });
  }

  it('refuses a log-rank test without two groups with expected events (no events at all here)', async () => {
    const run = () => logRankReport({ csv: csvPath('ovarian'), time: 'futime', event: 'fustat', eventValue: '9', group: 'rx', rho: '0' });
    await expect(run()).rejects.toThrow(StatsUsageError);
    await expect(run()).rejects.toThrow(/--group rx: the log-rank test needs at least two groups with expected events/);
  });
});
