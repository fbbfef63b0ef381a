// The quarterly report of each look, written where the user finds it: demo-out/reports/<cutoff>/
// (report.html, its tables as CSV and JSON, and report.pdf for the looks the PDF policy selects).
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { writeQuarterlyReport } from '../jobs/quarterlyReport.ts';

/**
 * Which looks get a PDF: printing one starts headless chromium (seconds each), so by default only the
 * looks that raised an effect alert, and the last look, have one; every look has its HTML report.
 */
export type PdfPolicy = 'all' | 'alerts' | 'last' | 'none';

export interface LookReportOptions {
  readonly outDir: string;
  readonly cutoff: string;
  readonly smallCellMin: number;
  readonly pdf: boolean;
}

export interface LookReport {
  readonly html: string;
  /** The PDF's path, or why there is none. */
  readonly pdf: { readonly path: string } | { readonly skipped: string };
}

export async function writeLookReport(db: Kysely<Database>, options: LookReportOptions): Promise<LookReport> {
  const dir = path.join(options.outDir, 'reports', options.cutoff);
  const written = await writeQuarterlyReport(db, options.cutoff, dir, { smallCellMin: options.smallCellMin, pdf: options.pdf });
  return {
    html: path.join(dir, 'report.html'),
    pdf: written.pdf.written ? { path: written.pdf.path } : { skipped: written.pdf.reason },
  };
}

/** Whether the look gets a PDF under the policy. */
export function wantsPdf(policy: PdfPolicy, isLast: boolean, raisedEffectAlert: boolean): boolean {
  if (policy === 'all') return true;
  if (policy === 'none') return false;
  return isLast || (policy === 'alerts' && raisedEffectAlert);
}
