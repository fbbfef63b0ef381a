import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import { databaseName, ensureDatabase, migrateToLatest } from '../db/migrate.ts';
import { requireServices, withDatabase } from './pipeline/resources.ts';

/** `cohortwatch migrate`: creates the database if it is missing, then applies pending migrations. */
export const registerMigrate: RegisterCommand = (program) => {
  program
    .command('migrate')
    .description('create the database if it is missing and apply pending migrations (DATABASE_URL)')
    .action(async () => {
      const env = loadEnv();
      const name = databaseName(env.DATABASE_URL);
      await requireServices(env, { postgres: 'server' });
      if (await ensureDatabase(env.DATABASE_URL)) console.log(`created database ${name}`);
      const applied = await withDatabase(env, (db) => migrateToLatest(db));
      console.log(applied.length === 0
        ? `database ${name} is up to date`
        : `applied ${applied.length} migration(s) to ${name}: ${applied.join(', ')}`);
    });
};
