import type { Command } from 'commander';
import { LogRankError, logRankTest, type LogRankResult } from '../../stats/logrank.ts';
import { choice } from './argumentParsing.ts';
import { completeRows, groupingOf, indicatorColumn, timeColumn } from './columns.ts';
import { readCsvTable } from './csvTable.ts';
import { runMethod } from './runMethod.ts';
import { StatsUsageError } from './statsUsageError.ts';

interface LogRankFlags {
  csv: string;
  time: string;
  event: string;
  eventValue: string;
  group: string;
  strata?: string;
  rho: string;
}

/** `cohortwatch stats logrank`: R's survdiff (rho 0 = log-rank, 1 = Peto-Peto), optionally stratified. */
export async function logRankReport(flags: LogRankFlags): Promise<unknown> {
  const rho = Number(choice('--rho', flags.rho, ['0', '1']));
  const used = [flags.time, flags.event, flags.group, ...(flags.strata === undefined ? [] : [flags.strata])];
  const table = await readCsvTable(flags.csv, used);
  const rows = completeRows(table, used);
  let result: LogRankResult;
  try {
    result = logRankTest({
      time: timeColumn(table, flags.time, rows),
      event: indicatorColumn(table, flags.event, flags.eventValue, rows),
      group: groupingOf(table, flags.group, rows),
      strata: flags.strata === undefined ? undefined : groupingOf(table, flags.strata, rows),
      rho,
    });
  } catch (error) {
    // Too few groups for a test is a property of the arguments (the group column), not a crash.
    if (error instanceof LogRankError) throw new StatsUsageError(`--group ${flags.group}: ${error.message}`);
    throw error;
  }
  return {
    rho,
    chisq: result.chisq,
    df: result.df,
    p: result.p,
    groups: result.groups.map((group, g) => ({ group, n: result.n[g], observed: result.observed[g], expected: result.expected[g] })),
    rowsUsed: rows.length,
    rowsDropped: table.nRows - rows.length,
  };
}

export function registerLogRank(stats: Command): void {
  stats
    .command('logrank')
    .description('log-rank (rho 0) or Peto-Peto (rho 1) test, optionally stratified, as R\'s survdiff')
    .requiredOption('--csv <file>', 'input CSV (header row; empty field = missing)')
    .requiredOption('--time <column>', 'time column')
    .requiredOption('--event <column>', 'event column')
    .option('--event-value <value>', 'value of the event column that means an event', '1')
    .requiredOption('--group <column>', 'groups to compare')
    .option('--strata <column>', 'stratify the test by this column')
    .option('--rho <0|1>', '0 = log-rank, 1 = Peto-Peto', '0')
    .action(runMethod('logrank', logRankReport));
}
