import { resolve } from 'node:path';
import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import { DatasetChangedError, NoRunError } from '../jobs/buildReportInput.ts';
import { writeQuarterlyReport } from '../jobs/quarterlyReport.ts';
import { cutoffDateArgument } from './cutoffDateArgument.ts';
import { withDatabase } from './pipeline/resources.ts';

/** `cohortwatch report --as-of DATE --out DIR`: the quarterly report of the stored run of that cutoff. */
export const registerReport: RegisterCommand = (program) => {
  program.command('report')
    .description('write the quarterly report of an analysed cutoff: report.html (self-contained), report.pdf, tables as CSV and JSON')
    .requiredOption('--as-of <date>', 'cutoff YYYY-MM-DD of a stored reanalysis run', cutoffDateArgument)
    .requiredOption('--out <dir>', 'output directory (created if missing)')
    .option('--no-pdf', 'skip the PDF')
    .action(async (options: { asOf: string; out: string; pdf: boolean }) => {
      const env = loadEnv();
      try {
        const written = await withDatabase(env, (db) => writeQuarterlyReport(db, options.asOf, resolve(options.out), { smallCellMin: env.SMALL_CELL_MIN, pdf: options.pdf }));
        console.log(JSON.stringify({ dir: written.dir, files: written.files.length, pdf: written.pdf }));
      } catch (error) {
        if (error instanceof NoRunError || error instanceof DatasetChangedError) {
          console.error(`cohortwatch: ${error.message}`);
          process.exitCode = 2;
          return;
        }
        throw error;
      }
    });
};
