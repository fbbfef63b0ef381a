import { Command } from 'commander';
import type { RegisterCommand } from './commands.ts';
import { ConfigError } from '../config/configError.ts';

// Once the command is done, nothing left open (a Redis client reconnecting to a dead server, a pool
// still draining) may keep the process alive: exit shortly after, with the command's exit code.
const LINGER_MS = 250;

/**
 * The `cohortwatch` program with the given commands registered, run on argv. Exit codes: 0 ok, 1 runtime
 * failure, 2 bad arguments or configuration (one-line message). A usage error is one line pointing to
 * --help, never the whole help (subcommands inherit this output). Shared by main.ts (every command,
 * through tsx) and statsCli.ts (the `stats` command, from the bundle bin/cliBundle.js builds).
 */
export async function runCli(argv: readonly string[], version: string, load: () => Promise<readonly RegisterCommand[]>): Promise<void> {
  const program = new Command()
    .name('cohortwatch')
    .description('Continuous statistical surveillance of the PTR/PORT registry cohort')
    .version(version, '-V, --version', 'print the version')
    .configureOutput({ outputError: (message, write) => write(`${message.trim().replace(/\s*\n\s*/g, ' ')} (see --help)\n`) })
    .showHelpAfterError(false)
    .exitOverride();
  try {
    // --version needs no command module.
    const registers = ['-V', '--version'].includes(argv[2] ?? '') ? [] : await load();
    for (const register of registers) register(program);
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof Error && 'exitCode' in error && typeof error.exitCode === 'number') {
      // commander has already printed its message (or the help text).
      process.exitCode = error.exitCode === 0 ? 0 : 2;
    } else if (error instanceof ConfigError) {
      console.error(`cohortwatch: ${error.message}`);
      process.exitCode = 2;
    } else {
      // Expected failures (a service unreachable, a port taken, ...) carry their one-line message.
      console.error(`cohortwatch: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = process.exitCode && process.exitCode !== 0 ? process.exitCode : 1;
    }
  }
  setTimeout(() => process.exit(), LINGER_MS).unref();
}
