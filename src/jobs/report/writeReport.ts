// Writes a rendered report into a directory: report.html, tables/<key>.csv and .json, and
// report.pdf when asked and chromium is present.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tableToCsv, tableToJson, type RenderedReport } from '../../reports/index.ts';
import { DEFAULT_CHROMIUM_PATH, chromiumAvailable } from './chromium.ts';
import { printPdf } from './printPdf.ts';

export interface WriteReportOptions {
  /** Also print report.pdf (skipped, with the reason, when chromium is missing). */
  readonly pdf: boolean;
  readonly chromiumPath?: string;
}

export type PdfOutcome = { readonly written: true; readonly path: string } | { readonly written: false; readonly reason: string };

export interface WrittenReport {
  readonly dir: string;
  /** Every file written, relative to `dir`, in writing order. */
  readonly files: readonly string[];
  readonly pdf: PdfOutcome;
}

const TABLE_KEY = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Writes via a temporary name and a rename, so a reader never sees a half-written file. */
async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.partial`;
  await writeFile(temporary, content, 'utf8');
  await rename(temporary, path);
}

export async function writeReport(dir: string, rendered: RenderedReport, options: WriteReportOptions): Promise<WrittenReport> {
  for (const key of Object.keys(rendered.tables)) {
    if (!TABLE_KEY.test(key)) throw new Error(`table key ${JSON.stringify(key)} is not a safe file name (a-z 0-9 -)`);
  }
  await mkdir(join(dir, 'tables'), { recursive: true });
  const files: string[] = [];
  await writeAtomically(join(dir, 'report.html'), rendered.html);
  files.push('report.html');
  for (const [key, table] of Object.entries(rendered.tables)) {
    await writeAtomically(join(dir, 'tables', `${key}.csv`), tableToCsv(table));
    await writeAtomically(join(dir, 'tables', `${key}.json`), `${JSON.stringify(tableToJson(table), null, 2)}\n`);
    files.push(`tables/${key}.csv`, `tables/${key}.json`);
  }
  if (!options.pdf) return { dir, files, pdf: { written: false, reason: 'not requested' } };
  const chromiumPath = options.chromiumPath ?? DEFAULT_CHROMIUM_PATH;
  if (!(await chromiumAvailable(chromiumPath))) return { dir, files, pdf: { written: false, reason: `chromium not found at ${chromiumPath}` } };
  const pdfPath = join(dir, 'report.pdf');
  const temporary = `${pdfPath}.partial`;
  await printPdf(join(dir, 'report.html'), temporary, chromiumPath);
  await rename(temporary, pdfPath);
  files.push('report.pdf');
  return { dir, files, pdf: { written: true, path: pdfPath } };
}
