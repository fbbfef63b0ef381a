import { runCli } from './program.ts';
import { registerIngest } from './ingest.ts';

/**
 * `cohortwatch ingest ...` on its own: the entry of the bundle bin/cliBundle.js builds, so the producer
 * starts without tsx transforming and resolving each module (~1.4 s of CPU before the first event was
 * enqueued). The same program, command and exit codes as main.ts with `ingest` as the command.
 */
export async function runIngestCli(argv: readonly string[], version: string): Promise<void> {
  await runCli(argv, version, async () => Promise.resolve([registerIngest]));
}
