import type { Command } from 'commander';
import { reverseKmFollowUp } from '../../stats/km/index.ts';
import { completeRows, indicatorColumn, timeColumn } from './columns.ts';
import { readCsvTable } from './csvTable.ts';
import { runMethod } from './runMethod.ts';

interface FollowUpFlags {
  csv: string;
  time: string;
  event: string;
  eventValue: string;
}

/** `cohortwatch stats followup`: median follow-up by the reverse Kaplan-Meier, and the plain median time. */
export async function followUpReport(flags: FollowUpFlags): Promise<unknown> {
  const table = await readCsvTable(flags.csv, [flags.time, flags.event]);
  const rows = completeRows(table, [flags.time, flags.event]);
  const summary = reverseKmFollowUp({ time: timeColumn(table, flags.time, rows), event: indicatorColumn(table, flags.event, flags.eventValue, rows) });
  return {
    reverseKm: summary.reverseKm,
    simpleMedian: summary.simpleMedian,
    simpleMedianCensored: summary.simpleMedianCensored,
    rowsUsed: rows.length,
    rowsDropped: table.nRows - rows.length,
  };
}

export function registerFollowUp(stats: Command): void {
  stats
    .command('followup')
    .description('median follow-up by the reverse Kaplan-Meier (censoring as the event), with its 95% CI')
    .requiredOption('--csv <file>', 'input CSV (header row; empty field = missing)')
    .requiredOption('--time <column>', 'time column')
    .requiredOption('--event <column>', 'event column')
    .option('--event-value <value>', 'value of the event column that means an event', '1')
    .action(runMethod('followup', followUpReport));
}
