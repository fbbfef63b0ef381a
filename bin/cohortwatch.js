#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so a clone works after `npm ci` with no build step.
// `stats`, `ingest` and `worker` run from a bundle of their own sources when one is up to date
// (bin/cliBundle.js), which saves tsx's per-module start-up cost on commands users time; the code is
// the same.
// tsx is imported only when it is used (its loader costs ~75 ms of start-up).
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
