import type { Command } from 'commander';
import { fitCox, type CoxFit } from '../../stats/cox/index.ts';
import { addCoxDesignOptions, asUsageError, coxInputFromFlags, type CoxDesignFlags } from './coxDesignFlags.ts';
import { readCsvTable } from './csvTable.ts';
import { runMethod } from './runMethod.ts';

/** `cohortwatch stats cox`: Cox proportional-hazards fit as R's coxph. */
export function coxReport(flags: CoxDesignFlags): unknown {
  const table = readCsvTable(flags.csv);
  const { design, input } = coxInputFromFlags(table, flags);
  let fit: CoxFit;
  try {
    fit = fitCox(input);
  } catch (error) {
    throw asUsageError(error);
  }
  return {
    n: fit.n,
    nevent: fit.nevent,
    iterations: fit.iterations,
    converged: fit.converged,
    ties: fit.ties,
    robust: fit.robust,
    loglik: fit.loglik,
    terms: fit.terms,
    tests: { likelihoodRatio: fit.tests.likelihoodRatio, wald: fit.tests.wald, score: fit.tests.score },
    concordance: { value: fit.concordance.value, se: fit.concordance.se },
    warnings: fit.warnings,
    rowsDropped: design.rowsDropped,
  };
}

export function registerCox(stats: Command): void {
  addCoxDesignOptions(stats.command('cox').description('Cox proportional-hazards regression (Efron or Breslow ties), as R\'s coxph'))
    .action(runMethod('cox', coxReport));
}
