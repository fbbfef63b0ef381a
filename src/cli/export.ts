import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Option } from 'commander';
import { stringify } from 'csv-stringify';
import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import { streamAnalysisRows } from '../db/analysisDataset.ts';
import { ANALYSIS_COLUMNS } from '../timeline/index.ts';
import type { AnalysisRow } from '../timeline/index.ts';
import { cutoffArgument } from './pipeline/cliArguments.ts';
import { withDatabase } from './pipeline/resources.ts';

type Format = 'csv' | 'json';

/** `cohortwatch export --as-of YYYY-MM-DD [--format csv|json] [--out FILE]`. */
export const registerExport: RegisterCommand = (program) => {
  program
    .command('export')
    .description('write the analysis dataset as of a cutoff: one row per registered patient, recomputed from the event log')
    .requiredOption('--as-of <date>', 'cutoff: YYYY-MM-DD (end of that day, UTC) or an ISO-8601 date-time with offset', cutoffArgument)
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'))
    .option('--out <file>', 'write to FILE (atomically) instead of standard output')
    .action(async (options: { asOf: Date; format: Format; out?: string }) => {
      const env = loadEnv();
      const rows = await withDatabase(env, async (db) => {
        if (options.out === undefined) {
          // `export ... | head`: the reader leaving is not a failure of the export.
          process.stdout.on('error', (error: NodeJS.ErrnoException) => { if (error.code === 'EPIPE') process.exit(0); });
          return writeRows(streamAnalysisRows(db, options.asOf), options.format, process.stdout, false);
        }
        // Written beside the target and renamed, so a failed export never leaves half a file.
        const partial = `${options.out}.partial-${process.pid}`;
        try {
          const count = await writeRows(streamAnalysisRows(db, options.asOf), options.format, createWriteStream(partial), true);
          await rename(partial, options.out);
          return count;
        } catch (error) {
          await rm(partial, { force: true });
          throw error;
        }
      });
      if (options.out !== undefined) console.error(`wrote ${rows} patient(s) as of ${options.asOf.toISOString()} to ${options.out}`);
    });
};

async function writeRows(rows: AsyncIterable<AnalysisRow>, format: Format, out: Writable, end: boolean): Promise<number> {
  const write = (text: string) => new Promise<void>((resolve, reject) => {
    if (out.write(text)) resolve();
    else out.once('drain', resolve).once('error', reject);
  });
  let count = 0;
  if (format === 'json') {
    await write('[');
    for await (const row of rows) {
      await write(`${count === 0 ? '\n' : ',\n'}${JSON.stringify(row)}`);
      count += 1;
    }
    await write(count === 0 ? ']\n' : '\n]\n');
  } else {
    // Booleans as true/false and null as an empty cell (csv-stringify would write 1 and '').
    const csv = stringify({ header: true, columns: [...ANALYSIS_COLUMNS], cast: { boolean: (value) => (value ? 'true' : 'false') } });
    csv.pipe(out, { end: false });
    for await (const row of rows) {
      if (!csv.write(row)) await new Promise((resolve) => csv.once('drain', resolve));
      count += 1;
    }
    csv.end();
    await finished(csv);
  }
  if (end) {
    out.end();
    await finished(out);
  }
  return count;
}
