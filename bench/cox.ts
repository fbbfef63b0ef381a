// Benchmark of the Cox engine against R's coxph (npm run bench:cox [-- --sizes 10000,100000,1000000 --no-r]).
// Seeded synthetic data: 8 numeric covariates, ~60% events, continuous and integer (tied) times.
// Two figures per size, each beside R's in the same run:
// - whole process, what a user waits for: `cohortwatch stats cox --csv` (start-up, CSV reading, fit, JSON
//   out) against `Rscript` running data.table::fread + survival::coxph + print(summary(fit));
// - the fit alone: fitCox in its own child process (so the peak RSS is that fit's) against
//   system.time(coxph(...)).
// R is skipped, and said so, where Rscript with survival and data.table is missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitCox } from '../src/stats/cox/index.ts';
import type { Ties } from '../src/stats/cox/index.ts';
import { mulberry32 } from '../test/support/mulberry32.ts';

const P = 8;
const TRUE_BETA = [0.5, -0.4, 0.3, -0.2, 0.15, -0.1, 0.05, 0];


interface Data {
  time: Float64Array;
  event: Uint8Array;
  x: Float64Array[];
}

function generate(n: number, tied: boolean, seed: number): Data {
  const u = mulberry32(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const x = Array.from({ length: P }, () => new Float64Array(n));
  const time = new Float64Array(n);
  const event = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let eta = 0;
    for (let j = 0; j < P; j++) {
      x[j][i] = normal();
      eta += TRUE_BETA[j] * x[j][i];
    }
    const t = -Math.log(1 - u()) / (0.1 * Math.exp(eta));
    const c = -Math.log(1 - u()) / 0.062;
    const observed = Math.min(t, c);
    time[i] = tied ? Math.ceil(observed) : observed;
    event[i] = t <= c ? 1 : 0;
  }
  return { time, event, x };
}

/** Written in chunks so the CSV never sits in memory whole. */
function writeCsv(path: string, d: Data): void {
  const n = d.time.length;
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, `time,status,${Array.from({ length: P }, (_, j) => `x${j + 1}`).join(',')}\n`);
    let chunk: string[] = [];
    for (let i = 0; i < n; i++) {
      const row = [String(d.time[i]), String(d.event[i])];
      for (let j = 0; j < P; j++) row.push(String(d.x[j][i]));
      chunk.push(row.join(','));
      if (chunk.length === 10_000 || i === n - 1) {
        writeSync(fd, chunk.join('\n') + '\n');
        chunk = [];
      }
    }
  } finally {
    closeSync(fd);
  }
}

interface ChildResult {
  n: number;
  tied: boolean;
  events: number;
  fitMs: number;
  fitCpuMs: number;
  /** RSS with the generated data in memory, before the fit. */
  dataRssMb: number;
  /** Peak RSS of the process up to the end of the fit (the CSV for R is written afterwards). */
  peakRssMb: number;
  iterations: number;
  coef: number[];
}

function child(n: number, tied: boolean, ties: Ties, csv: string | null): void {
  const d = generate(n, tied, 20261126 + n + (tied ? 1 : 0));
  const dataRssMb = process.memoryUsage().rss / 2 ** 20;
  const names = Array.from({ length: P }, (_, j) => `x${j + 1}`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const fit = fitCox({ stop: d.time, event: d.event, x: d.x, names, ties });
  const fitMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  if (csv !== null) writeCsv(csv, d);
  const out: ChildResult = {
    n,
    tied,
    events: fit.nevent,
    fitMs,
    fitCpuMs: (cpu.user + cpu.system) / 1000,
    dataRssMb,
    peakRssMb,
    iterations: fit.iterations,
    coef: Array.from(fit.coef),
  };
  process.stdout.write(JSON.stringify(out));
}

function rAvailable(): boolean {
  const r = spawnSync('Rscript', ['-e', 'suppressMessages({library(survival); library(data.table)})'], { stdio: 'ignore' });
  return r.status === 0;
}

/** Wall seconds of a whole process, its stdout discarded after it is written to a pipe. */
function wholeProcess(command: string, args: readonly string[]): number {
  const t0 = performance.now();
  const run = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`${command} failed: ${run.stderr}`);
  return (performance.now() - t0) / 1000;
}

const COVARIATE_NAMES = Array.from({ length: P }, (_, j) => `x${j + 1}`);

function nodeWholeProcess(csv: string): number {
  return wholeProcess(process.execPath, ['bin/cohortwatch.js', 'stats', 'cox', '--csv', csv, '--time', 'time', '--event', 'status', '--covariates', COVARIATE_NAMES.join(',')]);
}

function rWholeProcess(csv: string): number {
  const script = `suppressMessages({library(data.table); library(survival)}); d <- fread(commandArgs(TRUE)[1]);
fit <- coxph(Surv(time, status) ~ ${COVARIATE_NAMES.join(' + ')}, data = d, ties = "efron"); print(summary(fit), digits = 15)`;
  return wholeProcess('Rscript', ['-e', script, csv]);
}

function rFit(csv: string, ties: Ties): { seconds: number; cpuSeconds: number; coef: number[] } {
  const script = `suppressMessages({library(survival); library(data.table)}); d <- fread("${csv}");
tm <- system.time(fit <- coxph(Surv(time, status) ~ x1+x2+x3+x4+x5+x6+x7+x8, data = d, ties = "${ties}"));
cat(sprintf("%.17g", c(tm[["elapsed"]], tm[["user.self"]] + tm[["sys.self"]], coef(fit))), sep = "\\n")`;
  const out = execFileSync('Rscript', ['-e', script], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const values = out.trim().split('\n').map(Number);
  return { seconds: values[0], cpuSeconds: values[1], coef: values.slice(2) };
}

function maxRelDiff(a: number[], b: number[]): number {
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.max(Math.abs(b[i]), 1e-12)));
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    child(Number(args[1]), args[2] === 'tied', args[3] as Ties, args[4] === '-' ? null : args[4]);
    return;
  }
  const sizesArg = args.indexOf('--sizes');
  const sizes = sizesArg >= 0 ? args[sizesArg + 1].split(',').map(Number) : [10_000, 100_000, 1_000_000];
  const skipR = args.includes('--no-r');
  const withR = !skipR && rAvailable();
  const dir = mkdtempSync(join(tmpdir(), 'cox-bench-'));
  console.log(`Cox benchmark: ${P} covariates, ties = efron; R survival + data.table: ${withR ? 'yes' : skipR ? 'skipped (--no-r)' : 'not found, skipped'}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('Whole process = `cohortwatch stats cox --csv` vs `Rscript` (fread + coxph + print(summary)), wall seconds on the same CSV.');
  console.log('Fit alone: wall-clock; cpu = user+system CPU time of the fit (steadier on a shared machine).');
  console.log('n\ttimes\tevents\titer\tCLI whole s\tR whole s\twhole ratio\tfit ms\tfit cpu ms\tdata RSS MB\tpeak RSS MB\tR fit s\tR fit cpu s\tfit ratio\tfit cpu ratio\tmax rel coef diff');
  try {
    for (const n of sizes) {
      for (const tied of [false, true]) {
        const csv = join(dir, `bench-${n}-${tied ? 'tied' : 'cont'}.csv`);
        const run = spawnSync(process.execPath, [...process.execArgv, process.argv[1], '--child', String(n), tied ? 'tied' : 'continuous', 'efron', csv], {
          encoding: 'utf8',
          maxBuffer: 1 << 24,
        });
        if (run.status !== 0) throw new Error(`benchmark child failed: ${run.stderr}`);
        const res = JSON.parse(run.stdout) as ChildResult;
        const cliWhole = nodeWholeProcess(csv);
        const rWhole = withR ? rWholeProcess(csv) : null;
        const wholeCols = `\t${cliWhole.toFixed(2)}\t${rWhole === null ? '-' : rWhole.toFixed(2)}\t${rWhole === null ? '-' : (cliWhole / rWhole).toFixed(3)}`;
        let rCols = '\t-\t-\t-\t-\t-';
        if (withR) {
          const r = rFit(csv, 'efron');
          const ratio = (ms: number, seconds: number): string => (ms / 1000 / seconds).toFixed(3);
          rCols = `\t${r.seconds.toFixed(2)}\t${r.cpuSeconds.toFixed(2)}\t${ratio(res.fitMs, r.seconds)}\t${ratio(res.fitCpuMs, r.cpuSeconds)}\t${maxRelDiff(res.coef, r.coef).toExponential(2)}`;
        }
        rmSync(csv);
        console.log(`${n}\t${tied ? 'integer' : 'continuous'}\t${res.events}\t${res.iterations}${wholeCols}\t${res.fitMs.toFixed(0)}\t${res.fitCpuMs.toFixed(0)}\t${res.dataRssMb.toFixed(0)}\t${res.peakRssMb.toFixed(0)}${rCols}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
