// npm run bench:monitoring [-- --patients 426,2000 --seed 1]: one simulated registry per size monitored
// quarterly (2005-2026) by the production path (runPlan scope 'alerts' + monitorLook), timing the plan
// run and the monitoring look (boundaries, alert rules, states, conditional power) separately.
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { monitorLook } from '../src/analysis/monitoring/index.ts';
import type { MonitoringHistory } from '../src/analysis/monitoring/index.ts';
import { DEFAULT_PLAN } from '../src/analysis/plan.ts';
import { runPlan } from '../src/analysis/runPlan.ts';
import { simulateEvents } from '../src/sim/index.ts';
import { datasetAsOf, storeEvents } from '../src/sim/calibration/analysisDataset.ts';
import { parseCutoff } from '../src/timeline/index.ts';

const { values } = parseArgs({ options: { patients: { type: 'string', default: '426,2000' }, seed: { type: 'string', default: '1' } } });
const cutoffs: string[] = [];
for (let year = 2005; year <= 2026; year++) for (const md of ['03-31', '06-30', '09-30', '12-31']) cutoffs.push(`${year}-${md}`);
cutoffs.splice(cutoffs.indexOf('2026-09-30') + 1);

console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}; ${cutoffs.length} quarterly looks ${cutoffs[0]}..${cutoffs.at(-1)}`);
console.log('| patients | dataset as of cutoffs | runPlan (alerts scope) | monitorLook | of which first look (inflation factor) | final states |');
console.log('|---:|---:|---:|---:|---:|---|');
for (const patients of values.patients.split(',').map(Number)) {
  const registry = storeEvents(simulateEvents({ seed: Number(values.seed), patients, scenario: 'paper' }));
  let history: MonitoringHistory = new Map();
  let tData = 0;
  let tPlan = 0;
  let tMonitor = 0;
  let tFirst = 0;
  let states = '';
  cutoffs.forEach((cutoff, k) => {
    const t0 = performance.now();
    const rows = datasetAsOf(registry, parseCutoff(cutoff));
    const t1 = performance.now();
    const { estimates } = runPlan(DEFAULT_PLAN, rows, { scope: 'alerts' });
    const t2 = performance.now();
    const result = monitorLook(DEFAULT_PLAN, { cutoff, look: k + 1, estimates }, history);
    const t3 = performance.now();
    history = result.history;
    tData += t1 - t0;
    tPlan += t2 - t1;
    tMonitor += t3 - t2;
    if (k === 0) tFirst = t3 - t2;
    states = result.looks.map((l) => `${l.population}/${l.endpoint} ${l.state}`).join(', ');
  });
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`| ${patients} | ${s(tData)} | ${s(tPlan)} | ${s(tMonitor)} | ${s(tFirst)} | ${states} |`);
}
