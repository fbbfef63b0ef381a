// npm run calibrate [-- --seeds 50] [--false-alarms 200]: simulate the paper's cohort over many seeds,
// run the engine on each through the service's own pure path, and print the calibration table (README
// "Calibration"). With --false-alarms N, also the alert rules' false alarm rate over N seeds of the null
// scenario (looks every --look-years years to the administrative end), with the nominal alpha beside it.
import { parseArgs } from 'node:util';
import { simulateEvents } from '../src/sim/index.ts';
import { parseCutoff } from '../src/timeline/index.ts';
import { analysisDataset, datasetAsOf, storeEvents } from '../src/sim/calibration/analysisDataset.ts';
import { monitorSeries } from '../src/analysis/monitoring/index.ts';
import { CURRENT_PLAN } from '../src/analysis/plan.ts';
import { DEFAULT_ADMIN_END } from '../src/sim/index.ts';
import { cohortFigures } from '../src/sim/calibration/cohortFigures.ts';
import type { CohortFigures } from '../src/sim/calibration/cohortFigures.ts';
import { calibrationLines, calibrationMarkdown } from '../src/sim/calibration/calibrationTable.ts';
import { PAPER_COHORT } from '../src/sim/calibration/paperCohort.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '50' }, 'first-seed': { type: 'string', default: '1' },
    'false-alarms': { type: 'string', default: '0' }, 'look-years': { type: 'string', default: '3' },
  },
});
const seeds = Number(values.seeds);
const firstSeed = Number(values['first-seed']);
const nullSeeds = Number(values['false-alarms']);
const lookYears = Number(values['look-years']);
if (!Number.isInteger(seeds) || seeds < 0 || !Number.isInteger(firstSeed) || firstSeed < 0
  || !Number.isInteger(nullSeeds) || nullSeeds < 0 || !Number.isInteger(lookYears) || lookYears < 1) {
  console.error('calibrate: --seeds must be an integer >= 0, --first-seed and --false-alarms integers >= 0, --look-years an integer >= 1');
  process.exit(2);
}

if (seeds > 0) calibrationTable(seeds);
if (nullSeeds > 0) falseAlarms(nullSeeds);

function calibrationTable(seeds: number): void {
  const cutoff = parseCutoff(PAPER_COHORT.cutoff);
  const started = Date.now();
  const perSeed: CohortFigures[] = [];
  for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
    // The registry read as of the data cut is exactly the registry that ends there (prefix property,
    // test/sim), so nothing after the cut is generated.
    const events = simulateEvents({ seed, patients: PAPER_COHORT.patients, scenario: 'paper', adminEnd: PAPER_COHORT.cutoff });
    perSeed.push(cohortFigures(analysisDataset(events, cutoff)));
    process.stderr.write(`\rseed ${seed - firstSeed + 1}/${seeds}`);
  }
  process.stderr.write('\n');

  const lines = calibrationLines(perSeed);
  console.log(`Calibration: ${seeds} seeds (${firstSeed}..${firstSeed + seeds - 1}) of ${PAPER_COHORT.patients} patients, scenario "paper", data cut ${PAPER_COHORT.cutoff}; ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  console.log(calibrationMarkdown(lines, seeds));
  const failing = lines.filter((l) => !(l.insideRange && l.medianWithin10));
  console.log(failing.length === 0 ? '\nEvery published figure holds.' : `\n${failing.length} figure(s) do not hold: ${failing.map((l) => l.label).join('; ')}`);
  process.exitCode = failing.length === 0 ? 0 : 1;
}

/**
 * Null scenario (no PORT effect anywhere): any effect alert is false. Looks at 31 December every
 * `lookYears` years back from the administrative end, and at the end itself.
 */
function falseAlarms(n: number): void {
  const plan = CURRENT_PLAN;
  const endYear = Number(DEFAULT_ADMIN_END.slice(0, 4));
  const cutoffs = [DEFAULT_ADMIN_END];
  for (let year = endYear - 1; year >= 2004; year -= lookYears) cutoffs.unshift(`${year}-12-31`);
  const t0 = Date.now();
  let withBoundary = 0;
  let withAnyEffectAlert = 0;
  const firedAll = { boundary: 0, departure: 0, drift: 0 };
  for (let seed = 1; seed <= n; seed++) {
    const registry = storeEvents(simulateEvents({ seed, patients: PAPER_COHORT.patients, scenario: 'null' }));
    // The production monitoring function (the reanalysis job's monitorLook), conditional power off:
    // the alert rules do not read it.
    const fired = { boundary: 0, departure: 0, drift: 0 };
    const series = monitorSeries(plan, cutoffs.map((cutoff) => ({ cutoff, rows: datasetAsOf(registry, parseCutoff(cutoff)) })), { conditionalPower: false });
    for (const result of series) {
      for (const { decision } of result.decisions) {
        if (decision.status === 'fired' && (decision.rule === 'boundary' || decision.rule === 'departure' || decision.rule === 'drift')) fired[decision.rule]++;
      }
    }
    if (fired.boundary > 0) withBoundary++;
    if (fired.boundary + fired.departure + fired.drift > 0) withAnyEffectAlert++;
    for (const rule of ['boundary', 'departure', 'drift'] as const) firedAll[rule] += fired[rule];
    process.stderr.write(`\rnull seed ${seed}/${n}: ${withBoundary} with a boundary alert`);
  }
  process.stderr.write('\n');
  const pct = (k: number) => `${((100 * k) / n).toFixed(1)}%`;
  console.log(`\nFalse alarms under the null scenario: ${n} seeds of ${PAPER_COHORT.patients} patients, plan ${plan.version}, ${cutoffs.length} looks (${cutoffs[0]} .. ${cutoffs.at(-1)}); ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  console.log('| alert | registries with at least one (false) alert | alerts in all | nominal |\n|---|---:|---:|---:|');
  console.log(`| boundary crossing (Lan-DeMets OBF, ${plan.primary.length} primary estimands) | ${withBoundary} (${pct(withBoundary)}) | ${firedAll.boundary} | ${plan.totalAlpha} family-wise two-sided (${(plan.totalAlpha / plan.primary.length).toFixed(4)} per estimand) |`);
  console.log(`| repeated CI newly excludes the paper's HR | - | ${firedAll.departure} | - (expected: the null contradicts the paper) |`);
  console.log(`| drift | - | ${firedAll.drift} | - |`);
  console.log(`| any effect alert | ${withAnyEffectAlert} (${pct(withAnyEffectAlert)}) | | |`);
}
