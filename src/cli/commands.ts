import type { Command } from 'commander';
import { registerDemo } from './demo.ts';
import { registerExport } from './export.ts';
import { registerIngest } from './ingest.ts';
import { registerInvestigators } from './investigators.ts';
import { registerMigrate } from './migrate.ts';
import { registerReanalyze } from './reanalyze.ts';
import { registerRejected } from './rejected.ts';
import { registerReport } from './report.ts';
import { registerScheduler } from './scheduler.ts';
import { registerSimulate } from './simulate.ts';
import { registerStats } from './stats.ts';
import { registerStatus } from './status.ts';
import { registerWorker } from './worker.ts';

/** A CLI command registers itself on the program; each lives in its own file under src/cli. */
export type RegisterCommand = (program: Command) => void;

// One line per command module; keep the list sorted.
export const commands: readonly RegisterCommand[] = [
  registerDemo,
  registerExport,
  registerIngest,
  registerInvestigators,
  registerMigrate,
  registerReanalyze,
  registerRejected,
  registerReport,
  registerScheduler,
  registerSimulate,
  registerStats,
  registerStatus,
  registerWorker,
];
