import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { entriesFor } from './commands.ts';
import { ConfigError } from '../config/env.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

// Exit codes: 0 ok, 1 runtime failure, 2 bad arguments or configuration (one-line message).
// A usage error is one line pointing to --help, never the whole help (subcommands inherit this output).
const program = new Command()
  .name('cohortwatch')
  .description('Continuous statistical surveillance of the PTR/PORT registry cohort')
  .version(version, '-V, --version', 'print the version')
  .configureOutput({ outputError: (message, write) => write(`${message.trim().replace(/\s*\n\s*/g, ' ')} (see --help)\n`) })
  .showHelpAfterError(false)
  .exitOverride();

try {
  // --version needs no command module.
  const entries = ['-V', '--version'].includes(process.argv[2] ?? '') ? [] : entriesFor(process.argv);
  for (const register of await Promise.all(entries.map((entry) => entry.load()))) register(program);
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof Error && 'exitCode' in error && typeof error.exitCode === 'number') {
    // commander has already printed its message (or the help text).
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof ConfigError) {
    console.error(`cohortwatch: ${error.message}`);
    process.exitCode = 2;
  } else {
    console.error(`cohortwatch: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = process.exitCode && process.exitCode !== 0 ? process.exitCode : 1;
  }
}
