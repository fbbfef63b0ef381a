#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so a clone works after `npm ci` with no build step.
// `stats` runs from a bundle of its own sources when one is up to date (bin/statsBundle.js), which
// saves tsx's per-module start-up cost on a command users time; the numbers are the same code's.
// tsx is imported only when it is used (its loader costs ~75 ms of start-up).
import { readFileSync } from 'node:fs';
import { loadStatsCli } from './statsBundle.js';

const statsCli = process.argv[2] === 'stats' && process.env.COHORTWATCH_NO_BUNDLE !== '1' ? await loadStatsCli() : null;
if (statsCli !== null) {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  await statsCli.runStatsCli(process.argv, version);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
