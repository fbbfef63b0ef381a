import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { renderReport } from '../reports/index.ts';
import { buildReportInput } from './buildReportInput.ts';
import { writeReport } from './report/index.ts';
import type { WrittenReport } from './report/index.ts';

/** Assembles, renders and writes the report of a stored run (report.html, tables, and report.pdf when asked). */
export async function writeQuarterlyReport(db: Kysely<Database>, cutoff: string, dir: string, options: { smallCellMin: number; pdf: boolean }): Promise<WrittenReport> {
  const input = await buildReportInput(db, cutoff, options.smallCellMin);
  const rendered = await renderReport(input);
  return writeReport(dir, rendered, { pdf: options.pdf });
}
