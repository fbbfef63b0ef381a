import { writeJson } from './jsonOutput.ts';
import { StatsUsageError } from './statsUsageError.ts';

/**
 * Runs one `stats` method: prints its JSON result, or one line on stderr with exit code 2 for bad
 * arguments or input (StatsUsageError: unknown column, non-numeric value, invalid design). Any other
 * error propagates to main.ts (one line, exit code 1).
 */
export function runMethod<Flags>(method: string, compute: (flags: Flags) => unknown): (flags: Flags) => Promise<void> {
  return async (flags: Flags) => {
    let result: unknown;
    try {
      result = await compute(flags);
    } catch (error) {
      if (error instanceof StatsUsageError) {
        process.stderr.write(`cohortwatch stats ${method}: ${error.message}\n`);
        process.exitCode = 2;
        return;
      }
      throw error;
    }
    writeJson(result);
  };
}
