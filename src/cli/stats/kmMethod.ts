import type { Command } from 'commander';
import { survivalCurves, type ConfType, type KmCurve } from '../../stats/km/index.ts';
import { choice, numberList } from './argumentParsing.ts';
import { completeRows, groupingOf, indicatorColumn, timeColumn } from './columns.ts';
import { readCsvTable } from './csvTable.ts';
import { list } from './jsonOutput.ts';
import { runMethod } from './runMethod.ts';
import { StatsUsageError } from './statsUsageError.ts';

interface KmFlags {
  csv: string;
  time: string;
  event: string;
  eventValue: string;
  group?: string;
  confType: string;
  times?: string;
}

const CONF_TYPES: readonly ConfType[] = ['log', 'log-log', 'plain'];

/** `cohortwatch stats km`: Kaplan-Meier curves as R's survfit + summary(times, extend = TRUE). */
export async function kmReport(flags: KmFlags): Promise<unknown> {
  const confType = choice('--conf-type', flags.confType, CONF_TYPES);
  const times = flags.times === undefined ? undefined : numberList('--times', flags.times);
  const negative = times?.find((t) => t < 0);
  if (negative !== undefined) throw new StatsUsageError(`--times "${flags.times}" must not be negative (${negative} is)`);
  const used = [flags.time, flags.event, ...(flags.group === undefined ? [] : [flags.group])];
  const table = await readCsvTable(flags.csv, used);
  const rows = completeRows(table, used);
  const data = { time: timeColumn(table, flags.time, rows), event: indicatorColumn(table, flags.event, flags.eventValue, rows) };
  const curves = survivalCurves(data, { confType, times }, flags.group === undefined ? undefined : groupingOf(table, flags.group, rows));
  return { confType, rowsUsed: rows.length, rowsDropped: table.nRows - rows.length, curves: curves.map(curveJson) };
}

function curveJson(curve: KmCurve): unknown {
  const t = curve.table;
  const at = curve.at;
  return {
    group: curve.group,
    n: curve.n,
    nevent: curve.nEvent,
    table: Array.from(t.time, (time, j) => ({
      time,
      nRisk: t.nRisk[j],
      nEvent: t.nEvent[j],
      nCensor: t.nCensor[j],
      surv: t.surv[j],
      stdErrLogS: t.stdErrLogS[j],
      lower: curve.band.lower[j],
      upper: curve.band.upper[j],
    })),
    median: curve.median,
    quantiles: { probs: curve.quantiles.probs, value: list(curve.quantiles.value), lower: list(curve.quantiles.lower), upper: list(curve.quantiles.upper) },
    rmean: curve.rmean,
    at: at
      ? Array.from(at.time, (time, r) => ({
          time,
          nRisk: at.nRisk[r],
          surv: at.surv[r],
          stdErrSurv: at.stdErrSurv[r],
          lower: at.lower[r],
          upper: at.upper[r],
        }))
      : [],
  };
}

export function registerKm(stats: Command): void {
  stats
    .command('km')
    .description('Kaplan-Meier curves with Greenwood CIs, median by R\'s rule, values at times')
    .requiredOption('--csv <file>', 'input CSV (header row; empty field = missing)')
    .requiredOption('--time <column>', 'time column')
    .requiredOption('--event <column>', 'event column')
    .option('--event-value <value>', 'value of the event column that means an event', '1')
    .option('--group <column>', 'one curve per value of this column')
    .option('--conf-type <type>', CONF_TYPES.join(' | '), 'log')
    .option('--times <t1,t2>', 'read the curves at these times')
    .action(runMethod('km', kmReport));
}
