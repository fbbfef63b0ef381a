import type { Command } from 'commander';
import { registerSimulate } from './simulate.ts';
import { registerStats } from './stats.ts';

/** A CLI command registers itself on the program; each lives in its own file under src/cli. */
export type RegisterCommand = (program: Command) => void;

// One line per command module; keep the list sorted.
export const commands: readonly RegisterCommand[] = [
  registerSimulate,
  registerStats,
];
