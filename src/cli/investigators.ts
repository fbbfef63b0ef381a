import { InvalidArgumentError } from 'commander';
import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import { addInvestigator, InvestigatorInputError, listInvestigators, parseSubscriptions, removeInvestigator } from '../notify/investigators.ts';
import { withDatabase } from './pipeline/resources.ts';

const subscriptionsArg = (value: string) => {
  try {
    return parseSubscriptions(value);
  } catch (error) {
    if (error instanceof InvestigatorInputError) throw new InvalidArgumentError(error.message);
    throw error;
  }
};

/** `cohortwatch investigators add|list|remove`: who receives which alerts. */
export const registerInvestigators: RegisterCommand = (program) => {
  const command = program.command('investigators').description('manage the investigators who receive alert mail and their subscriptions');
  command.command('add <email>')
    .description('add (or update) an investigator; subscriptions are population:endpoint pairs, * for all')
    .requiredOption('--name <name>', 'display name')
    .option('--subscribe <list>', 'e.g. "group1:os,group1:pfs,group2:*" (default: every population and endpoint)', subscriptionsArg)
    .action(async (email: string, options: { name: string; subscribe?: ReturnType<typeof parseSubscriptions> }) => {
      const env = loadEnv();
      try {
        const added = await withDatabase(env, (db) => addInvestigator(db, email, options.name, options.subscribe ?? parseSubscriptions(undefined)));
        console.log(`${added.email}: ${added.subscriptions.map((s) => `${s.population}:${s.endpoint}`).join(', ')}`);
      } catch (error) {
        if (error instanceof InvestigatorInputError) {
          console.error(`cohortwatch: ${error.message}`);
          process.exitCode = 2;
          return;
        }
        throw error;
      }
    });
  command.command('list')
    .description('list investigators and their subscriptions')
    .option('--json', 'JSON output')
    .action(async (options: { json?: boolean }) => {
      const people = await withDatabase(loadEnv(), (db) => listInvestigators(db));
      if (options.json) {
        console.log(JSON.stringify(people.map(({ email, name, subscriptions }) => ({ email, name, subscriptions }))));
        return;
      }
      if (people.length === 0) console.log('no investigators');
      for (const p of people) console.log(`${p.email}\t${p.name}\t${p.subscriptions.map((s) => `${s.population}:${s.endpoint}`).join(',')}`);
    });
  command.command('remove <email>')
    .description('remove an investigator and their subscriptions')
    .action(async (email: string) => {
      const removed = await withDatabase(loadEnv(), (db) => removeInvestigator(db, email));
      if (!removed) {
        console.error(`cohortwatch: no investigator with address ${email}`);
        process.exitCode = 2;
        return;
      }
      console.log(`removed ${email}`);
    });
};
