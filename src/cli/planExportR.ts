import type { Command } from 'commander';
import { loadEnv } from '../config/env.ts';
import { DEFAULT_PLAN } from '../analysis/plan.ts';
import { EXPORT_FILES, ExportRError, exportR } from '../jobs/exportR.ts';
import { cutoffDateArgument } from './cutoffDateArgument.ts';
import { withDatabase } from './pipeline/resources.ts';

/** `cohortwatch plan export-r --as-of DATE --out DIR`: the look's data, history and an R script that redoes it. */
export function registerPlanExportR(plan: Command): void {
  plan.command('export-r')
    .description('write the analysis dataset, the information history and an R script (survival + rpact) that refits each primary estimand and recomputes its boundaries')
    .requiredOption('--as-of <date>', 'the latest look on or before this date (YYYY-MM-DD)', cutoffDateArgument)
    .requiredOption('--out <dir>', 'folder to write into (created if missing; its export files are overwritten)')
    .action(async (options: { asOf: string; out: string }) => {
      try {
        const result = await withDatabase(loadEnv(), (db) => exportR(db, DEFAULT_PLAN, { asOf: options.asOf, outDir: options.out }));
        const { look } = result;
        console.log(`look ${look.look} (cutoff ${look.cutoff}, plan ${look.planVersion}): ${look.patients} patients, ${look.estimands.length} primary estimands`);
        if (!look.datasetUnchanged) console.log('  note: the dataset as of the cutoff has changed since the look ran (late reports): R refits today\'s data, and the numbers may differ');
        for (const file of result.files) console.log(`  ${file}`);
        console.log(`run it: Rscript ${result.dir}/${EXPORT_FILES.script} > r-look.json   (R with survival and rpact; compare with ${EXPORT_FILES.cohortwatch})`);
      } catch (error) {
        if (!(error instanceof ExportRError)) throw error;
        // Nothing to export is a usage problem: one line, exit 2 (no usage text).
        console.error(`cohortwatch plan export-r: ${error.message}`);
        process.exitCode = 2;
      }
    });
}
