// npm run bench:simulate [-- --patients 100000,1000000] [--heap-mb 256]: streams the simulated registry
// (paper scenario, administrative end 2026-09-30) and serialises every event as the CLI does, without
// writing it, then prints events, throughput and peak RSS. Each size runs in its own process so its peak
// RSS is its own; --heap-mb caps V8's old space there (a run that completes under the cap needs no more).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_ADMIN_END, simulateEvents } from '../src/sim/index.ts';

const { values } = parseArgs({
  options: {
    patients: { type: 'string', default: '10000,100000,1000000' }, child: { type: 'string' }, 'heap-mb': { type: 'string' },
    // The most patients are followed at once at the end of accrual (Dec 2015): an end of 2016-06-30
    // (every followed patient still has a visit reported after Dec 2015) reaches the same peak sooner.
    'admin-end': { type: 'string', default: DEFAULT_ADMIN_END },
  },
});

function measure(patients: number): void {
  const started = process.hrtime.bigint();
  let events = 0;
  let bytes = 0;
  let peakHeap = 0;
  let accrued = 0;
  for (const event of simulateEvents({ seed: 1, patients, adminEnd: values['admin-end'] }, () => accrued++)) {
    bytes += JSON.stringify(event).length + 1;
    if (++events % 100_000 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    if (events % 2_000_000 === 0) {
      // Progress on stderr: a long run on a busy machine still says how far it got and what it held.
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      process.stderr.write(`${JSON.stringify({ patients, accrued, events, seconds: Math.round(seconds), rssMb: Math.round(process.memoryUsage().rss / 2 ** 20), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), heapUsedMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20) })}\n`);
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({
    patients, adminEnd: values['admin-end'], heapCapMb: values['heap-mb'] ?? null, events, ndjsonMb: Math.round(bytes / 1e6), seconds: Number(seconds.toFixed(1)),
    eventsPerSecond: Math.round(events / seconds), peakRssMb: Math.round(peakRssMb), peakHeapMb: Math.round(peakHeap / 2 ** 20),
  }));
}

if (values.child) {
  measure(Number(values.child));
} else {
  const sizes = values.patients.split(',').map(Number);
  console.log(`bench:simulate on Node ${process.version}`);
  for (const size of sizes) {
    const cap = values['heap-mb'] ? [`--max-old-space-size=${values['heap-mb']}`] : [];
    const args = [...cap, '--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(size), '--admin-end', values['admin-end'], ...(values['heap-mb'] ? ['--heap-mb', values['heap-mb']] : [])];
    const line = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    process.stdout.write(line);
  }
}
