// npm run calibrate [-- --seeds 50] [--false-alarms N --schedule quarterly|yearly]: simulate the paper's
// cohort over many seeds, run the engine on each through the service's own pure path, and print the
// calibration table (README "Calibration"). With --false-alarms N, also the monitoring's operating
// characteristics over N simulated registries per scenario and size, each monitored look after look by the
// production monitoring function (monitorSeries → monitorLook, the reanalysis job's fold): the family-wise
// false-alarm rate under `null` with its Clopper-Pearson 95% CI, power and the median look of first
// detection under `paper` and `emerging`.
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { simulateEvents } from '../src/sim/index.ts';
import { parseCutoff } from '../src/timeline/index.ts';
import { analysisDataset } from '../src/sim/calibration/analysisDataset.ts';
import { DEFAULT_PLAN } from '../src/analysis/plan.ts';
import { DEFAULT_ADMIN_END, isScenarioName } from '../src/sim/index.ts';
import type { ScenarioName } from '../src/sim/index.ts';
import { FIRST_LOOK, LOOK_SCHEDULES, scheduleCutoffs } from '../src/sim/calibration/lookSchedule.ts';
import type { LookSchedule } from '../src/sim/calibration/lookSchedule.ts';
import { falseAlarmMarkdown, operatingCharacteristics, powerMarkdown } from '../src/sim/calibration/operatingCharacteristics.ts';
import type { RegistrySpec } from '../src/sim/calibration/registryMonitoring.ts';
import { monitorRegistries } from './registryPool.ts';
import { cohortFigures } from '../src/sim/calibration/cohortFigures.ts';
import type { CohortFigures } from '../src/sim/calibration/cohortFigures.ts';
import { calibrationLines, calibrationMarkdown } from '../src/sim/calibration/calibrationTable.ts';
import { PAPER_COHORT } from '../src/sim/calibration/paperCohort.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '50' }, 'first-seed': { type: 'string', default: '1' },
    'false-alarms': { type: 'string', default: '0' }, 'power-registries': { type: 'string' },
    schedule: { type: 'string', default: 'quarterly' }, patients: { type: 'string', default: '426,2000' },
    scenarios: { type: 'string', default: 'null,paper,emerging' },
    threads: { type: 'string', default: String(Math.min(2, availableParallelism())) },
    from: { type: 'string', default: FIRST_LOOK }, until: { type: 'string', default: DEFAULT_ADMIN_END },
    json: { type: 'string' },
  },
});
const seeds = Number(values.seeds);
const firstSeed = Number(values['first-seed']);
const nullRegistries = Number(values['false-alarms']);
const powerRegistries = Number(values['power-registries'] ?? values['false-alarms']);
const threads = Number(values.threads);
const sizes = values.patients.split(',').map(Number);
const scenarios = values.scenarios.split(',');
const schedule = values.schedule as LookSchedule;
const isDate = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
const problems = [
  !(Number.isInteger(seeds) && seeds >= 0) && '--seeds must be an integer >= 0',
  !(Number.isInteger(firstSeed) && firstSeed >= 0) && '--first-seed must be an integer >= 0',
  !(Number.isInteger(nullRegistries) && nullRegistries >= 0) && '--false-alarms must be an integer >= 0',
  !(Number.isInteger(powerRegistries) && powerRegistries >= 0) && '--power-registries must be an integer >= 0',
  !(Number.isInteger(threads) && threads >= 1) && '--threads must be an integer >= 1',
  !LOOK_SCHEDULES.includes(schedule) && `--schedule must be one of ${LOOK_SCHEDULES.join(', ')}`,
  !sizes.every((n) => Number.isInteger(n) && n >= 20 && n <= 100_000) && '--patients must be a comma-separated list of integers from 20 to 100000',
  !scenarios.every(isScenarioName) && '--scenarios must be a comma-separated list of null, paper, emerging',
  !isDate(values.from) && '--from must be a date YYYY-MM-DD',
  !isDate(values.until) && '--until must be a date YYYY-MM-DD',
  isDate(values.from) && isDate(values.until) && !(values.from <= values.until && values.until <= DEFAULT_ADMIN_END)
    && `--from and --until must satisfy from <= until <= ${DEFAULT_ADMIN_END} (the registry's last day)`,
].filter((p): p is string => typeof p === 'string');
if (problems.length > 0) {
  for (const problem of problems) console.error(`calibrate: ${problem}`);
  process.exit(2);
}

if (seeds > 0) calibrationTable(seeds);
if (nullRegistries + powerRegistries > 0) await operating();

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

/** CPU seconds of this process (main and worker threads) so far. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Operating characteristics of the monitoring: for each scenario and registry size, `--false-alarms`
 * registries (null) or `--power-registries` (paper, emerging), seeds first-seed.., each monitored at every
 * look of the schedule from --from (default the end of 2007) to --until (default the registry's last day).
 */
async function operating(): Promise<void> {
  const plan = DEFAULT_PLAN;
  const cutoffs = scheduleCutoffs(schedule, values.from, values.until);
  const specs: RegistrySpec[] = [];
  for (const scenario of scenarios as ScenarioName[]) {
    const n = scenario === 'null' ? nullRegistries : powerRegistries;
    for (const patients of sizes) for (let seed = firstSeed; seed < firstSeed + n; seed++) specs.push({ scenario, seed, patients, cutoffs });
  }
  // Largest registries first, so that the threads finish together.
  specs.sort((a, b) => b.patients - a.patients);
  const t0 = Date.now();
  const cpu0 = cpuSeconds();
  const load0 = loadavg()[0];
  let done = 0;
  const outcomes = await monitorRegistries(specs, threads, (o) => {
    done++;
    process.stderr.write(`\rregistry ${done}/${specs.length} (${o.scenario}, ${o.patients} patients, seed ${o.seed}) ${((Date.now() - t0) / 1000).toFixed(0)} s   `);
  });
  process.stderr.write('\n');
  const seconds = (Date.now() - t0) / 1000;
  const cpu = cpuSeconds() - cpu0;
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify({ plan: plan.version, schedule, cutoffs, outcomes }, null, 1)}\n`);
  const groups = (scenario: ScenarioName) => sizes.map((patients) => outcomes.filter((o) => o.scenario === scenario && o.patients === patients))
    .filter((g) => g.length > 0).map(operatingCharacteristics);
  console.log(`\nMonitoring operating characteristics: plan ${plan.version}, ${schedule} looks ${cutoffs[0]} .. ${cutoffs.at(-1)} (${cutoffs.length} looks), `
    + `${specs.length} registries (seeds ${firstSeed}..), ${threads} thread(s) on ${cpus().length} cores; ${seconds.toFixed(0)} s wall, ${cpu.toFixed(0)} s CPU `
    + `(${(cpu / specs.length).toFixed(1)} s per registry), load average ${load0.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end\n`);
  if (scenarios.includes('null') && nullRegistries > 0) {
    console.log(`Family-wise false alarms under \`null\` (no PORT effect anywhere; ${plan.primary.length} primary estimands, alpha ${plan.totalAlpha} two-sided in all):\n`);
    console.log(falseAlarmMarkdown(groups('null'), plan.totalAlpha));
    console.log('');
  }
  const effects = (['paper', 'emerging'] as const).filter((s) => scenarios.includes(s)).flatMap(groups);
  if (effects.length > 0 && powerRegistries > 0) {
    console.log('Power and timing under an effect (first detection: the first boundary crossing for benefit, any primary estimand):\n');
    console.log(powerMarkdown(effects));
  }
}
