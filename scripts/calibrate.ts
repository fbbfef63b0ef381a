// npm run calibrate [-- --seeds 50]: simulate the paper's cohort over many seeds, run the engine on each
// through the service's own pure path, and print the calibration table (README "Calibration").
import { parseArgs } from 'node:util';
import { simulateEvents } from '../src/sim/index.ts';
import { parseCutoff } from '../src/timeline/index.ts';
import { analysisDataset } from '../src/sim/calibration/analysisDataset.ts';
import { cohortFigures } from '../src/sim/calibration/cohortFigures.ts';
import type { CohortFigures } from '../src/sim/calibration/cohortFigures.ts';
import { calibrationLines, calibrationMarkdown } from '../src/sim/calibration/calibrationTable.ts';
import { PAPER_COHORT } from '../src/sim/calibration/paperCohort.ts';

const { values } = parseArgs({
  options: { seeds: { type: 'string', default: '50' }, 'first-seed': { type: 'string', default: '1' } },
});
const seeds = Number(values.seeds);
const firstSeed = Number(values['first-seed']);
if (!Number.isInteger(seeds) || seeds < 2 || !Number.isInteger(firstSeed) || firstSeed < 0) {
  console.error('calibrate: --seeds must be an integer >= 2 and --first-seed an integer >= 0');
  process.exit(2);
}

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
