#!/usr/bin/env -S node --max-semi-space-size=64
// Runs the TypeScript CLI directly through tsx, so a clone works after `npm ci` with no build step.
// `stats`, `ingest` and `worker` run from a bundle of their own sources when one is up to date
// (bin/cliBundle.js), which saves tsx's per-module start-up cost on commands users time; the code is
// the same.
// tsx is imported only when it is used (its loader costs ~75 ms of start-up).
// The #! line (run as `npx cohortwatch`, `./bin/cohortwatch.js` or the image's entrypoint) gives V8 a
// young generation of up to 64 MB semi-spaces instead of 16: a worker holds up to 1,000 jobs in flight
// until their batch commits, and with the default size they outlived the young generation and were
// copied and promoted. Measured with bench:ingest (55,000 events, one worker): worker CPU 9.5-10.1 s
// -> 7.8-8.5 s, ingest 3.4-3.7 -> 2.9-3.0 s. It only raises a ceiling: a small command never grows
// its young generation that far. `node bin/cohortwatch.js` runs without it, as node's default.
import { readFileSync } from 'node:fs';
import { loadBundledCli } from './cliBundle.js';

const bundled = process.env.COHORTWATCH_NO_BUNDLE !== '1' ? await loadBundledCli(process.argv[2]) : null;
if (bundled !== null) {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  await bundled(process.argv, version);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
