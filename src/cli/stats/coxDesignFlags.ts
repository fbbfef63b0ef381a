import type { Command } from 'commander';
import { CoxInputError, type CoxInput, type Ties } from '../../stats/cox/index.ts';
import { buildDesign, DesignError, type Design, type DesignSpec } from '../../stats/design.ts';
import { choice, nameList } from './argumentParsing.ts';
import { designCells } from './columns.ts';
import type { CsvTable } from './csvTable.ts';
import { StatsUsageError } from './statsUsageError.ts';

/** The model arguments shared by `stats cox` and `stats zph`. */
export interface CoxDesignFlags {
  csv: string;
  time: string;
  start?: string;
  event: string;
  eventValue: string;
  covariates: string;
  factors?: string;
  levels: string[];
  interactions?: string;
  strata?: string;
  weights?: string;
  cluster?: string;
  robust?: boolean;
  ties?: string;
}

const TIES: readonly Ties[] = ['efron', 'breslow'];

export function addCoxDesignOptions(command: Command): Command {
  return command
    .requiredOption('--csv <file>', 'input CSV (header row; empty field = missing)')
    .requiredOption('--time <column>', 'event/censoring time, or interval end with --start')
    .option('--start <column>', 'interval start for counting-process (start, stop] data')
    .requiredOption('--event <column>', 'event column')
    .option('--event-value <value>', 'value of the event column that means an event', '1')
    .requiredOption('--covariates <a,b>', 'covariate columns (a non-numeric column is a factor)')
    .option('--factors <a,b>', 'treat these numeric columns as factors')
    .option('--levels <col=x|y|z>', 'level order of a factor, first = reference (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--interactions <a:b,c:d>', 'interaction terms')
    .option('--strata <column>', 'stratify the baseline hazard')
    .option('--weights <column>', 'case weights')
    .option('--cluster <column>', 'cluster for the robust variance')
    .option('--robust', 'sandwich (robust) variance')
    .option('--ties <method>', `${TIES.join(' | ')} (default efron; breslow with --firth, as coxphf)`);
}

/** Every column the model flags use (read from the CSV, and nothing else). */
export function coxColumns(flags: CoxDesignFlags): string[] {
  const parts = (flags.interactions === undefined ? [] : nameList('--interactions', flags.interactions)).flatMap((term) => term.split(':')).filter((name) => name !== '');
  const optional = [flags.start, flags.strata, flags.weights, flags.cluster].filter((name): name is string => typeof name === 'string');
  return Array.from(new Set([flags.time, flags.event, ...nameList('--covariates', flags.covariates), ...parts, ...optional]));
}

/** The design matrix and fit input the flags describe; bad flags or data throw StatsUsageError. */
export function coxInputFromFlags(table: CsvTable, flags: CoxDesignFlags, defaultTies: Ties = 'efron'): { design: Design; input: CoxInput } {
  const ties = flags.ties === undefined ? defaultTies : choice('--ties', flags.ties, TIES);
  const spec: DesignSpec = {
    time: flags.time,
    event: flags.event,
    eventValue: flags.eventValue,
    covariates: nameList('--covariates', flags.covariates),
    factors: flags.factors === undefined ? undefined : nameList('--factors', flags.factors),
    levels: parseLevels(flags.levels),
    interactions: flags.interactions === undefined ? undefined : nameList('--interactions', flags.interactions),
    strata: flags.strata,
    weights: flags.weights,
    cluster: flags.cluster,
  };
  if (flags.start !== undefined) spec.start = flags.start;
  let design: Design;
  try {
    design = buildDesign(designCells(table), spec);
  } catch (error) {
    throw asUsageError(error);
  }
  // Right-censored times are durations: a negative one is a data error (R would fit it silently).
  if (spec.start === undefined) {
    const stop = design.input.stop;
    for (let i = 0; i < stop.length; i++) {
      if (stop[i] < 0) throw new StatsUsageError(`column "${spec.time}" has the negative time ${stop[i]} in data row ${design.rowsUsed[i] + 1}`);
    }
  }
  return { design, input: { ...design.input, ties, robust: flags.robust === true } };
}

/** Design and input errors are the user's data or arguments: exit 2 with their one-line message. */
export function asUsageError(error: unknown): unknown {
  if (error instanceof DesignError || error instanceof CoxInputError) return new StatsUsageError(error.message);
  return error;
}

function parseLevels(specs: readonly string[]): Record<string, string[]> {
  const levels: Record<string, string[]> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const name = spec.slice(0, eq).trim();
    const values = spec.slice(eq + 1).split('|');
    if (eq <= 0 || values.some((v) => v === '')) throw new StatsUsageError(`--levels "${spec}" must look like column=a|b|c`);
    if (new Set(values).size !== values.length) throw new StatsUsageError(`--levels "${spec}" lists a level twice`);
    levels[name] = values;
  }
  return levels;
}
