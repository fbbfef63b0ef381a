import type { Command } from 'commander';
import type { RegisterCommand } from './commands.ts';
import { registerBoundaries } from './stats/boundariesMethod.ts';
import { registerCif } from './stats/cifMethod.ts';
import { registerCox } from './stats/coxMethod.ts';
import { registerFollowUp } from './stats/followupMethod.ts';
import { registerKm } from './stats/kmMethod.ts';
import { registerLogRank } from './stats/logrankMethod.ts';
import { registerZph } from './stats/zphMethod.ts';

/**
 * `cohortwatch stats <method> --csv FILE ...`: the survival engine on a CSV, one JSON object on stdout
 * (docs/cli-stats.md). Errors are one line on stderr (exit 2 for bad arguments or input).
 */
export const registerStats: RegisterCommand = (program: Command) => {
  const stats = program
    .command('stats')
    .description('survival statistics on a CSV file, printed as JSON (cox, km, logrank, cif, followup, zph, boundaries)');
  for (const register of [registerCox, registerKm, registerLogRank, registerCif, registerFollowUp, registerZph, registerBoundaries]) register(stats);
  // One-line errors: no help text after a bad method or option (main.ts maps commander errors to exit 2).
  for (const command of [stats, ...stats.commands]) command.showHelpAfterError(false);
};
