import type { Command } from 'commander';
import { cumulativeIncidence, type CifCurve } from '../../stats/competingRisks/index.ts';
import { numberList } from './argumentParsing.ts';
import { completeRows, groupingOf, timeColumn } from './columns.ts';
import { readCsvTable } from './csvTable.ts';
import { runMethod } from './runMethod.ts';

interface CifFlags {
  csv: string;
  time: string;
  status: string;
  censorValue: string;
  group?: string;
  times?: string;
}

/**
 * `cohortwatch stats cif`: Aalen-Johansen cumulative incidence per cause. Every status value other than
 * the censoring value is a cause (ordered as group values are). Without --times, every distinct time.
 */
export async function cifReport(flags: CifFlags): Promise<unknown> {
  const requested = flags.times === undefined ? undefined : numberList('--times', flags.times);
  const used = [flags.time, flags.status, ...(flags.group === undefined ? [] : [flags.group])];
  const table = await readCsvTable(flags.csv, used);
  const rows = completeRows(table, used);
  const statusGroups = groupingOf(table, flags.status, rows);
  const censorValue = matchingValue(statusGroups.labels, flags.censorValue);
  const causes = statusGroups.labels.filter((value) => value !== censorValue);
  const codeOf = Int32Array.from(statusGroups.labels, (label) => (label === censorValue ? 0 : causes.indexOf(label) + 1));
  const status = statusGroups.codes.map((code) => codeOf[code]);
  const curves = cumulativeIncidence(
    { time: timeColumn(table, flags.time, rows), status, causes },
    { times: requested },
    flags.group === undefined ? undefined : groupingOf(table, flags.group, rows),
  );
  return { censorValue: flags.censorValue, causes, rowsUsed: rows.length, rowsDropped: table.nRows - rows.length, curves: curves.map((curve) => curveJson(curve, requested)) };
}

/** The data's spelling of the censoring value ("0" matches "0.0" numerically). */
function matchingValue(values: readonly string[], wanted: string): string {
  const number = Number(wanted);
  const numeric = wanted.trim() !== '' && Number.isFinite(number);
  return values.find((value) => value === wanted || (numeric && value.trim() !== '' && Number(value) === number)) ?? wanted;
}

function curveJson(curve: CifCurve, requested: number[] | undefined): unknown {
  const source = curve.at ?? { time: curve.table.time, pstate: curve.table.pstate, stdErr: curve.table.stdErr, band: curve.table.band };
  return {
    group: curve.group,
    n: curve.n,
    causes: curve.states.slice(1).map((cause, c) => ({
      cause,
      at: Array.from(source.time, (time, r) => ({
        time,
        estimate: source.pstate[c + 1][r],
        stdErr: source.stdErr[c + 1][r],
        lower: source.band[c + 1].lower[r],
        upper: source.band[c + 1].upper[r],
      })),
    })),
    ...(requested === undefined ? {} : { nRisk: Array.from(curve.at?.nRisk ?? []) }),
  };
}

export function registerCif(stats: Command): void {
  stats
    .command('cif')
    .description('Aalen-Johansen cumulative incidence of competing risks with IJ standard errors and log CIs')
    .requiredOption('--csv <file>', 'input CSV (header row; empty field = missing)')
    .requiredOption('--time <column>', 'time column')
    .requiredOption('--status <column>', 'status column: the censoring value or a cause')
    .option('--censor-value <value>', 'value of the status column that means censored', '0')
    .option('--group <column>', 'one set of curves per value of this column')
    .option('--times <t1,t2>', 'read the curves at these times (default: every distinct time)')
    .action(runMethod('cif', cifReport));
}
