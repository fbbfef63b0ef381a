// npm run bench:cli [-- --rows 1000000 --methods cox,km,logrank,cif --repeat 1 --timeout 600 --no-r]
// The whole `cohortwatch stats <method> --csv` process as a user runs it (start-up, CSV reading, the
// fit, the JSON written to a file), side by side with the whole Rscript a biostatistician would run
// instead (data.table::fread + survival, its output written to a file), on the same seeded CSV, in the
// same run. Wall clock and the child's CPU time (user + system, from /proc; null elsewhere), and the
// load average, since the machine is shared. R is skipped, and said so, where Rscript, survival or
// data.table is missing.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSurvivalCsv } from '../test/support/survivalCsv.ts';

interface Method {
  name: string;
  cli: string[];
  r: string;
}

const COVARIATES = Array.from({ length: 8 }, (_, j) => `x${j + 1}`);

// Each R script reads the CSV (args[1]) with fread, fits, and writes what the CLI prints to args[2].
const R_HEAD = 'suppressMessages({library(data.table); library(survival)}); a <- commandArgs(TRUE);';
const METHODS: readonly Method[] = [
  {
    name: 'cox',
    cli: ['cox', '--time', 'time', '--event', 'status', '--covariates', COVARIATES.join(',')],
    r: `${R_HEAD} d <- fread(a[1], select = c("time", "status", ${COVARIATES.map((c) => `"${c}"`).join(', ')}));
fit <- coxph(Surv(time, status) ~ ${COVARIATES.join(' + ')}, data = d, ties = "efron");
sink(a[2]); print(summary(fit), digits = 15); cat(sprintf("%.17g", coef(fit)), sep = "\\n"); sink()`,
  },
  {
    name: 'km',
    cli: ['km', '--time', 'time', '--event', 'status'],
    r: `${R_HEAD} d <- fread(a[1], select = c("time", "status"));
fit <- survfit(Surv(time, status) ~ 1, data = d, conf.type = "log");
fwrite(data.table(time = fit$time, n.risk = fit$n.risk, n.event = fit$n.event, n.censor = fit$n.censor, surv = fit$surv,
  std.err = fit$std.err, lower = fit$lower, upper = fit$upper), a[2]);
sink(a[2], append = TRUE); print(fit, rmean = "common"); print(quantile(fit)); sink()`,
  },
  {
    name: 'logrank',
    cli: ['logrank', '--time', 'time', '--event', 'status', '--group', 'group'],
    r: `${R_HEAD} d <- fread(a[1], select = c("time", "status", "group"));
sink(a[2]); print(survdiff(Surv(time, status) ~ group, data = d), digits = 15); sink()`,
  },
  {
    name: 'cif',
    cli: ['cif', '--time', 'time', '--status', 'cause'],
    r: `${R_HEAD} d <- fread(a[1], select = c("time", "cause")); d[, cause := factor(cause, 0:2)];
fit <- survfit(Surv(time, cause) ~ 1, data = d);
fwrite(data.table(time = fit$time, pstate = fit$pstate, std.err = fit$std.err, lower = fit$lower, upper = fit$upper), a[2])`,
  },
];

interface Run {
  wallS: number;
  cpuS: number | null;
  /** Stopped at the time limit: the figures are lower bounds. */
  timedOut: boolean;
}

/** CPU seconds of waited-for children (cutime + cstime in /proc/self/stat), or null off Linux. */
function childrenCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // fields 16 and 17 of proc(5), in clock ticks (100 Hz)
  } catch {
    return null;
  }
}

/**
 * Runs a command to completion, its stdout written to `output` (the user waits for that too). A run
 * longer than `timeoutS` is stopped and reported as a lower bound.
 */
function timed(command: string, args: readonly string[], output: string, timeoutS: number): Run {
  const fd = openSync(output, 'w');
  const cpu0 = childrenCpuSeconds();
  const t0 = performance.now();
  const run = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', fd, 'pipe'], maxBuffer: 1 << 24, timeout: timeoutS * 1000, killSignal: 'SIGKILL' });
  closeSync(fd);
  const wallS = (performance.now() - t0) / 1000;
  const cpu1 = childrenCpuSeconds();
  const timedOut = run.signal === 'SIGKILL';
  if (run.status !== 0 && !timedOut) throw new Error(`${command} ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  return { wallS, cpuS: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0, timedOut };
}

function rAvailable(): boolean {
  return spawnSync('Rscript', ['-e', 'suppressMessages({library(survival); library(data.table)})'], { stdio: 'ignore' }).status === 0;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

function option(args: readonly string[], name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
}

function main(): void {
  const args = process.argv.slice(2);
  const rows = Number(option(args, '--rows', '1000000'));
  const repeat = Number(option(args, '--repeat', '1'));
  const wanted = option(args, '--methods', METHODS.map((m) => m.name).join(',')).split(',');
  const timeoutS = Number(option(args, '--timeout', '600'));
  const skipR = args.includes('--no-r');
  const withR = !skipR && rAvailable();
  const dir = mkdtempSync(join(tmpdir(), 'cli-bench-'));
  try {
    const csv = join(dir, 'cohort.csv');
    writeSurvivalCsv(csv, rows);
    console.log(`cohortwatch stats vs Rscript (data.table::fread + survival), whole processes; ${rows.toLocaleString('en')} rows, ${(statSync(csv).size / 1e6).toFixed(0)} MB CSV, 12 columns`);
    console.log(`node ${process.version}; R: ${withR ? 'yes' : skipR ? 'skipped (--no-r)' : 'not found (Rscript with survival and data.table), skipped'}; median of ${repeat} run(s)`);
    console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log('method\tnode wall s\tnode cpu s\tR wall s\tR cpu s\tratio (wall)\tratio (cpu)');
    for (const method of METHODS.filter((m) => wanted.includes(m.name))) {
      const node: Run[] = [];
      const r: Run[] = [];
      for (let k = 0; k < repeat; k++) {
        node.push(timed(process.execPath, ['bin/cohortwatch.js', 'stats', method.cli[0], '--csv', csv, ...method.cli.slice(1)], join(dir, 'node.out'), timeoutS));
        if (withR) r.push(timed('Rscript', ['-e', method.r, csv, join(dir, 'r.out')], join(dir, 'r.log'), timeoutS));
      }
      const nodeWall = median(node.map((x) => x.wallS));
      const nodeCpu = node.every((x) => x.cpuS !== null) ? median(node.map((x) => x.cpuS as number)) : null;
      const rWall = withR ? median(r.map((x) => x.wallS)) : null;
      const rCpu = withR && r.every((x) => x.cpuS !== null) ? median(r.map((x) => x.cpuS as number)) : null;
      // A timed-out side is a lower bound (">"), which makes the ratio an upper or lower bound too.
      const nodeOver = node.some((x) => x.timedOut);
      const rOver = r.some((x) => x.timedOut);
      const f = (v: number | null, over = false, digits = 2): string => (v === null ? '-' : `${over ? '>' : ''}${v.toFixed(digits)}`);
      const ratio = (a: number | null, b: number | null): string => {
        if (a === null || b === null) return '-';
        const bound = nodeOver && !rOver ? '>' : rOver && !nodeOver ? '<' : nodeOver ? '?' : '';
        return `${bound}${(a / b).toFixed(3)}`;
      };
      console.log(`${method.name}\t${f(nodeWall, nodeOver)}\t${f(nodeCpu, nodeOver)}\t${f(rWall, rOver)}\t${f(rCpu, rOver)}\t${ratio(nodeWall, rWall)}\t${ratio(nodeCpu, rCpu)}`);
    }
    console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
