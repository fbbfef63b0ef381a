import { runCli } from './program.ts';
import { registerStats } from './stats.ts';

/**
 * `cohortwatch stats ...` on its own: the entry of the bundle bin/cliBundle.js builds, so the stats
 * command (the one users time on million-row files) starts without tsx transforming and resolving each
 * module. The same program, command and exit codes as main.ts with `stats` as the command.
 */
export async function runStatsCli(argv: readonly string[], version: string): Promise<void> {
  await runCli(argv, version, async () => Promise.resolve([registerStats]));
}
