import { runCli } from './program.ts';
import { registerWorker } from './worker.ts';

/**
 * `cohortwatch worker ...` on its own: the entry of the bundle bin/cliBundle.js builds (start-up without
 * tsx's per-module loader). The same program, command and exit codes as main.ts with `worker` as the command.
 */
export async function runWorkerCli(argv: readonly string[], version: string): Promise<void> {
  await runCli(argv, version, async () => Promise.resolve([registerWorker]));
}
