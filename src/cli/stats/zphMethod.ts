import type { Command } from 'commander';
import { coxZph, fitCox, type ZphTransform } from '../../stats/cox/index.ts';
import { choice } from './argumentParsing.ts';
import { addCoxDesignOptions, asUsageError, coxColumns, coxInputFromFlags, type CoxDesignFlags } from './coxDesignFlags.ts';
import { readCsvTable } from './csvTable.ts';
import { runMethod } from './runMethod.ts';

interface ZphFlags extends CoxDesignFlags {
  transform: string;
}

const TRANSFORMS: readonly ZphTransform[] = ['km', 'identity', 'rank'];

/** `cohortwatch stats zph`: the cox.zph (survival 3.x) proportional-hazards test, one test per term. */
export async function zphReport(flags: ZphFlags): Promise<unknown> {
  const transform = choice('--transform', flags.transform, TRANSFORMS);
  const table = await readCsvTable(flags.csv, coxColumns(flags));
  const { design, input } = coxInputFromFlags(table, flags);
  try {
    const fit = fitCox(input);
    // A factor is one multi-df test, as cox.zph(terms = TRUE).
    const result = coxZph(input, fit, {
      transform,
      termColumns: design.terms.map((term) => term.columns),
      termNames: design.terms.map((term) => term.term),
    });
    return { transform, terms: result.terms, global: { chisq: result.global.chisq, df: result.global.df, p: result.global.p }, rowsDropped: design.rowsDropped };
  } catch (error) {
    throw asUsageError(error);
  }
}

export function registerZph(stats: Command): void {
  addCoxDesignOptions(stats.command('zph').description('test of proportional hazards (cox.zph, survival 3.x) per term and global'))
    .option('--transform <g>', TRANSFORMS.join(' | '), 'km')
    .action(runMethod('zph', zphReport));
}
