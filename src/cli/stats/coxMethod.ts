import type { Command } from 'commander';
import { fitCox, type CoxFit } from '../../stats/cox/index.ts';
import { fitFirth } from '../../stats/firth/index.ts';
import { addCoxDesignOptions, asUsageError, coxColumns, coxInputFromFlags, type CoxDesignFlags } from './coxDesignFlags.ts';
import { readCsvTable, type CsvTable } from './csvTable.ts';
import { runMethod } from './runMethod.ts';
import { StatsUsageError } from './statsUsageError.ts';

interface CoxFlags extends CoxDesignFlags {
  firth?: boolean;
}

/** `cohortwatch stats cox`: Cox proportional-hazards fit as R's coxph, or Firth-penalised as coxphf. */
export async function coxReport(flags: CoxFlags): Promise<unknown> {
  const table = await readCsvTable(flags.csv, coxColumns(flags));
  if (flags.firth === true) return firthReport(table, flags);
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

/**
 * Firth-penalised Cox (Heinze & Schemper 2001) for cells with no or few events. The result says it is
 * penalised; CIs and p-values are from the profile penalised likelihood, and the only model test is
 * the penalised likelihood ratio (no Wald, score or concordance, as coxphf).
 */
function firthReport(table: CsvTable, flags: CoxFlags): unknown {
  if (flags.robust === true || flags.cluster !== undefined) throw new StatsUsageError('--firth has no robust variance: drop --robust and --cluster');
  const { design, input } = coxInputFromFlags(table, flags, 'breslow');
  const { cluster: _cluster, robust: _robust, ...firthInput } = input;
  const fit = fitFirth(firthInput);
  return {
    method: fit.method,
    penalised: fit.penalised,
    ciMethod: fit.ciMethod,
    n: fit.n,
    nevent: fit.nevent,
    iterations: fit.iterations,
    converged: fit.converged,
    ties: fit.ties,
    loglik: fit.loglik,
    penalisedLoglik: fit.penalisedLoglik,
    terms: fit.terms,
    tests: fit.tests,
    warnings: fit.warnings,
    rowsDropped: design.rowsDropped,
  };
}

export function registerCox(stats: Command): void {
  addCoxDesignOptions(stats.command('cox').description('Cox proportional-hazards regression (Efron or Breslow ties), as R\'s coxph'))
    .option('--firth', 'Firth-penalised fit with profile-likelihood CIs (coxphf), for cells with few or no events')
    .action(runMethod('cox', coxReport));
}
