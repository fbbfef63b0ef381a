// Gray's K-sample test (src/stats/competingRisks/grayTest.ts) against R's cmprsk::cuminc on the same
// data, side by side: the whole call on generated competing-risks data (two groups, two causes, 30%
// censored). Run: npx tsx bench/grayTest.ts   (needs Rscript with cmprsk for the R column)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grayTest } from '../src/stats/competingRisks/index.ts';
import { mulberry32 } from '../test/support/mulberry32.ts';

function data(n: number) {
  const u = mulberry32(n);
  const time = new Float64Array(n);
  const status = new Int32Array(n);
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    codes[i] = u() < 0.5 ? 1 : 0;
    time[i] = Math.ceil(-Math.log(u()) * (codes[i] ? 900 : 700));
    const r = u();
    status[i] = r < 0.3 ? 0 : r < 0.65 ? 1 : 2;
  }
  return { time, status, group: { codes, labels: ['a', 'b'] } };
}

const dir = mkdtempSync(join(tmpdir(), 'cw-bench-gray-'));
console.log(`Gray's test, ours vs cmprsk::cuminc (${process.version}, ${new Date().toISOString()})`);
console.log('rows       ours ms   R cuminc ms   rel. diff of stat (cause 1)');
for (const n of [1_000, 10_000, 100_000]) {
  const d = data(n);
  const started = performance.now();
  const ours = grayTest(d);
  const oursMs = performance.now() - started;
  const csv = join(dir, `d${n}.csv`);
  writeFileSync(csv, `time,status,group\n${Array.from(d.time, (t, i) => `${t},${d.status[i]},${d.group.codes[i]}`).join('\n')}\n`);
  let rMs = Number.NaN;
  let diff = Number.NaN;
  try {
    const out = execFileSync('Rscript', ['-e', `suppressMessages(library(cmprsk)); d <- read.csv("${csv}"); t <- system.time(f <- cuminc(d$time, d$status, d$group, cencode = 0))[["elapsed"]]; cat(t * 1000, f$Tests[1, "stat"])`], { encoding: 'utf8' });
    const [ms, stat] = out.trim().split(/\s+/).map(Number);
    rMs = ms;
    diff = Math.abs(stat - ours[0].stat) / Math.abs(stat);
  } catch {
    // R or cmprsk missing: our column alone.
  }
  console.log(`${String(n).padEnd(10)} ${oursMs.toFixed(1).padStart(8)} ${rMs.toFixed(0).padStart(12)}   ${diff.toExponential(1)}`);
}
rmSync(dir, { recursive: true, force: true });
