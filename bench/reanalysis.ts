// npm run bench:reanalysis — one full run of the analysis plan (every population x endpoint: monitoring
// Cox, IPTW, PH test, sequential look, KM/CIF, follow-up, paper replication) at 426, 10k and 100k
// patients of a generated cohort, in-process and through the worker threads the job uses: first on
// threads started for it (a process's first look, and a scheduler's quarterly look), then again on the
// same threads (looks that follow each other within minutes: the demo, a catch-up of several cutoffs).
// Prints wall-clock time per stage and the CPU time of every run, and checks that the threaded runs
// (the plan's pairs shared between threads, as the job runs it) give byte-identical results (every
// record, in order; only the stage timings differ). Usage: tsx bench/reanalysis.ts [sizes...]
import os from 'node:os';
import { DEFAULT_PLAN } from '../src/analysis/plan.ts';
import { runPlan } from '../src/analysis/runPlan.ts';
import { closePlanThreads, runPlanInThread } from '../src/jobs/runPlanInThread.ts';
import { datasetHash } from '../src/analysis/datasetHash.ts';
import { dayOf, syntheticCohort } from '../test/analysis/syntheticCohort.ts';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const SIZES = sizes.length > 0 ? sizes : [426, 10_000, 100_000];
const CUTOFF = '2022-12-31';
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

console.log(`node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const n of SIZES) {
  const cohort = syntheticCohort({ patients: n, seed: 2026, portLogHr: { group1: Math.log(0.6) } });
  const t0 = performance.now();
  const rows = cohort.rowsAt(dayOf(CUTOFF));
  const tRows = performance.now();
  datasetHash(rows);
  const tHash = performance.now();
  const cpu0 = process.cpuUsage();
  const result = runPlan(DEFAULT_PLAN, rows);
  const tPlan = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const threadedRun = async () => {
    const t = performance.now();
    const c0 = process.cpuUsage();
    const { timingsMs: _t, ...records } = await runPlanInThread({ document: DEFAULT_PLAN.document, rows });
    const c = process.cpuUsage(c0);
    return { wallMs: performance.now() - t, cpuMs: (c.user + c.system) / 1000, records };
  };
  await closePlanThreads();
  const cold = await threadedRun();
  const warm = await threadedRun();
  const { timingsMs: _a, ...inProcessRecords } = result;
  const expected = JSON.stringify(inProcessRecords);
  const identical = JSON.stringify(cold.records) === expected && JSON.stringify(warm.records) === expected;
  const breakdown = Object.entries(result.timingsMs).map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
  console.log(`\n${n} patients (${result.estimates.length} estimates, ${result.curves.length} curves)`);
  console.log(`  generate rows ${fmt(tRows - t0)}, dataset hash ${fmt(tHash - tRows)}`);
  // CPU time (user + system) is the steadier figure on a shared machine, where wall time waits for a core.
  console.log(`  plan in-process ${fmt(tPlan - tHash)} (CPU ${fmt((cpu.user + cpu.system) / 1000)}): ${breakdown}`);
  console.log(`  plan in worker threads as the job runs it, incl. transfer: new threads ${fmt(cold.wallMs)} (CPU ${fmt(cold.cpuMs)}), the same threads again ${fmt(warm.wallMs)} (CPU ${fmt(warm.cpuMs)}); byte-identical results: ${identical}`);
  if (!identical) process.exitCode = 1;
}
