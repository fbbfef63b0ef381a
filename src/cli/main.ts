import { readFileSync } from 'node:fs';
import { entriesFor } from './commands.ts';
import { runCli } from './program.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

// Each command module is loaded only when that command runs (commands.ts).
await runCli(process.argv, version, async () => Promise.all(entriesFor(process.argv).map(async (entry) => entry.load())));
