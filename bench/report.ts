// Time to render the quarterly report (HTML with inline SVG + tables) and to print its PDF, for
// fabricated inputs at several cohort sizes. Run: npx tsx bench/report.ts [--no-pdf]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumAvailable, writeReport } from '../src/jobs/report/index.ts';
import { renderReport } from '../src/reports/index.ts';
import { buildFixture } from '../test/reports/fixture.ts';

const sizes = [426, 10_000, 100_000];
const withPdf = !process.argv.includes('--no-pdf') && (await chromiumAvailable());

console.log(`report rendering${withPdf ? ' and PDF printing' : ''} (${process.version}, ${new Date().toISOString()})`);
console.log('patients  curve steps  render ms  html KiB  tables  write+pdf ms  pdf KiB');
for (const patients of sizes) {
  const { input } = buildFixture({ seed: 1, patients });
  const steps = [...input.survival, ...input.incidence].reduce((n, s) => n + s.arms.reduce((m, a) => m + a.points.length, 0), 0);
  const started = performance.now();
  const rendered = await renderReport(input);
  const renderMs = performance.now() - started;
  const dir = await mkdtemp(join(tmpdir(), 'cw-bench-report-'));
  const writeStarted = performance.now();
  const written = await writeReport(dir, rendered, { pdf: withPdf });
  const writeMs = performance.now() - writeStarted;
  const { stat } = await import('node:fs/promises');
  const pdfKiB = written.pdf.written ? (await stat(written.pdf.path)).size / 1024 : Number.NaN;
  await rm(dir, { recursive: true, force: true });
  console.log(
    [
      String(patients).padStart(8),
      String(steps).padStart(12),
      renderMs.toFixed(0).padStart(10),
      (Buffer.byteLength(rendered.html) / 1024).toFixed(0).padStart(9),
      String(Object.keys(rendered.tables).length).padStart(7),
      writeMs.toFixed(0).padStart(13),
      (Number.isNaN(pdfKiB) ? '-' : pdfKiB.toFixed(0)).padStart(8),
    ].join(' '),
  );
}
