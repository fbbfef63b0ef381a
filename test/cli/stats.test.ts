import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildDesign } from '../../src/stats/design.ts';
import { fitFirth } from '../../src/stats/firth/index.ts';
import { csvPath, expectClose, loadDataset, type Json, type JsonObject } from '../stats/kmFixtures.ts';

// End to end: spawn the CLI on the fixture CSVs and compare its JSON with R's values (one case per
// method; statsReports.test.ts covers more cases in-process, without the cost of a process each).
const execFileAsync = promisify(execFile);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync('node', ['bin/cohortwatch.js', 'stats', ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

async function json(...args: string[]): Promise<JsonObject> {
  const run = await cli(...args);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(run.stdout) as JsonObject;
}

const lung = loadDataset('lung');
const mgus2 = loadDataset('mgus2');
const find = (entries: Json, id: string): JsonObject => {
  const entry = (entries as JsonObject[]).find((e) => e.id === id);
  if (!entry) throw new Error(`fixture ${id} missing`);
  return entry;
};
const pluck = (rows: Json, key: string): number[] => (rows as JsonObject[]).map((row) => (row[key] === null ? Number.NaN : (row[key] as number)));

// Each spawn loads the whole CLI through tsx (~2.5 s of CPU); on a shared, loaded machine that can take
// far longer than vitest's default timeout, which says nothing about this code.
const SPAWN_TIMEOUT = { timeout: 240_000 };

describe.concurrent('cohortwatch stats (end to end on the R fixtures)', SPAWN_TIMEOUT, () => {
  it('km: lung by sex with values at times matches lung.km.sex', async () => {
    const out = await json('km', '--csv', csvPath('lung'), '--time', 'time', '--event', 'status', '--event-value', '2', '--group', 'sex', '--times', '182.625,365.25,730.5');
    const strata = find(lung.expected.km, 'lung.km.sex').strata as JsonObject[];
    const curves = out.curves as JsonObject[];
    expect(curves.map((c) => c.group)).toEqual(['1', '2']);
    curves.forEach((curve, s) => {
      const table = strata[s].table as JsonObject;
      expectClose(curve.n as number, strata[s].n, 'n');
      expectClose(pluck(curve.table, 'time'), table.time, 'time');
      expectClose(pluck(curve.table, 'nRisk'), table.n_risk, 'nRisk');
      expectClose(pluck(curve.table, 'surv'), table.surv, 'surv');
      expectClose(pluck(curve.table, 'stdErrLogS'), table.std_err_logS, 'stdErrLogS');
      expectClose(pluck(curve.table, 'lower'), table.lower_log, 'lower');
      expectClose(pluck(curve.table, 'upper'), table.upper_log, 'upper');
      const median = (strata[s].median as JsonObject).log as JsonObject;
      const got = curve.median as JsonObject;
      expectClose([got.value, got.lower, got.upper].map((v) => (v === null ? Number.NaN : (v as number))), [median.median, median.lower, median.upper], 'median');
      const at = strata[s].at_times as JsonObject;
      expectClose(pluck(curve.at, 'nRisk'), at.n_risk, 'at nRisk');
      expectClose(pluck(curve.at, 'surv'), at.surv, 'at surv');
      expectClose(pluck(curve.at, 'stdErrSurv'), at.std_err_surv, 'at stdErrSurv');
      expectClose(pluck(curve.at, 'lower'), at.lower_log, 'at lower');
    });
  });

  it('logrank: stratified, dropping the row with missing ph.ecog, matches lung.survdiff.sex_strata_ph.ecog', async () => {
    const out = await json('logrank', '--csv', csvPath('lung'), '--time', 'time', '--event', 'status', '--event-value', '2', '--group', 'sex', '--strata', 'ph.ecog');
    const expected = find(lung.expected.survdiff, 'lung.survdiff.sex_strata_ph.ecog');
    expect(out.rowsDropped).toBe(1);
    expectClose(out.chisq as number, expected.chisq, 'chisq');
    expectClose(out.p as number, expected.p, 'p');
    expectClose(pluck(out.groups, 'expected'), expected.expected, 'expected');
  });

  it('cif: mgus2 by sex at the fixture times matches mgus2.aj.sex', async () => {
    const out = await json('cif', '--csv', csvPath('mgus2'), '--time', 'etime', '--status', 'event', '--censor-value', 'censor', '--group', 'sex', '--times', '60,120,240,360');
    const strata = find(mgus2.expected.competing_risks, 'mgus2.aj.sex').strata as JsonObject[];
    const curves = out.curves as JsonObject[];
    expect(curves.map((c) => c.group)).toEqual(['F', 'M']);
    curves.forEach((curve, s) => {
      const at = strata[s].at_times as JsonObject;
      expectClose(curve.nRisk as number[], at.n_risk, 'nRisk');
      for (const cause of curve.causes as JsonObject[]) {
        const name = cause.cause as string;
        const state = (block: string): Json => (at[block] as JsonObject)[name];
        expectClose(pluck(cause.at, 'estimate'), state('pstate'), `${name} estimate`);
        expectClose(pluck(cause.at, 'stdErr'), state('std_err'), `${name} stdErr`);
        expectClose(pluck(cause.at, 'lower'), state('lower'), `${name} lower`);
        expectClose(pluck(cause.at, 'upper'), state('upper'), `${name} upper`);
      }
    });
  });

  it('followup: ovarian reverse-KM median with an open upper limit (null)', async () => {
    const out = await json('followup', '--csv', csvPath('ovarian'), '--time', 'futime', '--event', 'fustat');
    const expected = loadDataset('ovarian').expected.reverse_km_followup as JsonObject;
    expect(out.reverseKm).toEqual({ median: expected.median, lower: expected.lower, upper: null });
    expect(out.simpleMedian).toBe(expected.simple_median_time_all);
  });

  it('cox: weighted fit reports the robust se (lung.weighted.breslow)', async () => {
    const out = await json('cox', '--csv', csvPath('lung'), '--time', 'time', '--event', 'status', '--event-value', '2', '--covariates', 'age,sex,ph.ecog', '--weights', 'w', '--robust', '--ties', 'breslow');
    const result = find(lung.expected.coxph, 'lung.weighted.breslow').result as JsonObject;
    const coefficients = result.coefficients as JsonObject[];
    expectClose(pluck(out.terms, 'robustSe'), coefficients.map((c) => c.robust_se), 'robustSe');
    expectClose(pluck(out.terms, 'z'), coefficients.map((c) => c.z), 'z');
  });

  it('cox --firth: reports a penalised fit, the same as the Firth engine on the same design (lung)', async () => {
    const out = await json('cox', '--csv', csvPath('lung'), '--time', 'time', '--event', 'status', '--event-value', '2', '--covariates', 'age,sex', '--firth');
    const design = buildDesign(Object.fromEntries(lung.columns), { time: 'time', event: 'status', eventValue: 2, covariates: ['age', 'sex'] });
    const direct = fitFirth({ ...design.input, ties: 'breslow' });
    expect(out).toMatchObject({ method: 'firth', penalised: true, ciMethod: 'profile penalised likelihood', ties: 'breslow', n: direct.n, nevent: direct.nevent });
    for (const key of ['coef', 'se', 'lower', 'upper', 'p'] as const) {
      expectClose(pluck(out.terms, key), direct.terms.map((t) => t[key]), `firth ${key}`);
    }
    expectClose((((out.tests as JsonObject).penalisedLikelihoodRatio as JsonObject).stat as number), direct.tests.penalisedLikelihoodRatio.stat, 'penalised LR');
  });

  it('zph: km transform, a factor as one 3-df test, matches lung cox.zph of multi (efron)', async () => {
    const out = await json('zph', '--csv', csvPath('lung'), '--time', 'time', '--event', 'status', '--event-value', '2', '--covariates', 'age,sex,ph.ecog,ph.karno,wt.loss', '--factors', 'ph.ecog', '--transform', 'km');
    const entry = (lung.expected.cox_zph as JsonObject[]).find((z) => z.model_id === 'multi' && z.ties === 'efron' && z.transform === 'km' && z.terms === true);
    if (!entry) throw new Error('zph fixture missing');
    const table = entry.table as JsonObject[];
    const rows = [...(out.terms as JsonObject[]), out.global as JsonObject];
    expectClose(pluck(rows, 'chisq'), table.map((r) => r.chisq), 'chisq');
    expectClose(pluck(rows, 'df'), table.map((r) => r.df), 'df');
    expectClose(pluck(rows, 'p'), table.map((r) => r.p), 'p');
  });

  it('boundaries: two-sided O\'Brien-Fleming matches rpact', async () => {
    const designs = (JSON.parse(readFileSync('test/fixtures/reference/expected/group_sequential.json', 'utf8')) as JsonObject).designs as JsonObject[];
    const expected = designs.find((d) => d.id === 'asOF_sided2_alpha0.05_t0.25-0.5-0.75-1');
    if (!expected) throw new Error('rpact design missing');
    const out = await json('boundaries', '--rates', '0.25,0.5,0.75,1', '--alpha', '0.05', '--sides', '2', '--type', 'obf');
    expectClose(pluck(out.looks, 'critical'), expected.criticalValues, 'critical');
    expectClose(pluck(out.looks, 'cumulativeAlpha'), expected.alphaSpent_cumulative, 'cumulative alpha');
  });
});

describe.concurrent('cohortwatch stats: bad arguments exit 2 with one line', SPAWN_TIMEOUT, () => {
  const cases: [string, string[], RegExp][] = [
    ['a column that is not there', ['km', '--csv', csvPath('lung'), '--time', 'tme', '--event', 'status'], /column "tme" is not in/],
    ['a missing required option', ['logrank', '--csv', csvPath('lung'), '--time', 'time', '--event', 'status'], /required option '--group <column>' not specified \(see --help\)/],
    ['information rates outside (0, 1]', ['boundaries', '--rates', '0.5,1.5'], /--rates "0.5,1.5" must be information fractions in \(0, 1\], strictly increasing/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const run = await cli(...args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(message);
    });
  }
});
