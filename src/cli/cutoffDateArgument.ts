// The date argument of the look commands, in its own module: it loads the look schedule (cron-parser),
// which the pipeline's hot commands (ingest, worker) have no use for at start-up.
import { InvalidArgumentError } from 'commander';
import { CutoffError, parseCutoffDate } from '../analysis/lookSchedule.ts';

/** A YYYY-MM-DD cutoff or as-of date (`--as-of`, `looks void CUTOFF`, `plan amend --effective-from`). */
export function cutoffDateArgument(value: string): string {
  try {
    return parseCutoffDate(value);
  } catch (error) {
    if (error instanceof CutoffError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}
