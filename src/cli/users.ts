import { randomBytes } from 'node:crypto';
import { InvalidArgumentError } from 'commander';
import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import { USER_ROLES as ROLES } from '../db/serveTables.ts';
import type { UserRole } from '../db/serveTables.ts';
import { withDatabase } from './pipeline/resources.ts';

const roleArgument = (value: string): UserRole => {
  if (!(ROLES as readonly string[]).includes(value)) throw new InvalidArgumentError(`role must be one of ${ROLES.join(', ')}`);
  return value as UserRole;
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline is the end of the line typed or echoed, not part of the password.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** `cohortwatch users add|list|disable`: dashboard accounts. */
export const registerUsers: RegisterCommand = (program) => {
  const command = program.command('users').description('manage dashboard accounts (passwords hashed with argon2id)');
  command.command('add')
    .description('add an account, or set the role and password of an existing one')
    .argument('<email>', 'login email')
    .requiredOption('--role <role>', 'investigator, data-manager or admin', roleArgument)
    .option('--password-stdin', 'read the password from standard input (otherwise a random one is generated and printed once)')
    .action(async (email: string, options: { role: UserRole; passwordStdin?: boolean }) => {
      const env = loadEnv();
      // argon2 (a native module) loads only for this command, not for every `cohortwatch --help`.
      const { normaliseEmail, upsertUser, UserInputError } = await import('../server/security/users.ts');
      try {
        normaliseEmail(email);
        const generated = options.passwordStdin ? null : randomBytes(18).toString('base64url');
        const password = generated ?? await readStdin();
        const result = await withDatabase(env, (db) => upsertUser(db, email, options.role, password));
        console.log(`${result.created ? 'added' : 'updated'} ${email.trim().toLowerCase()} (${options.role})`);
        if (generated !== null) console.log(`password (shown once): ${generated}`);
      } catch (error) {
        if (error instanceof UserInputError) {
          console.error(`cohortwatch: ${error.message}`);
          process.exitCode = 2;
          return;
        }
        throw error;
      }
    });
  command.command('list')
    .description('list accounts')
    .option('--json', 'JSON output')
    .action(async (options: { json?: boolean }) => {
      const rows = await withDatabase(loadEnv(), (db) => db.selectFrom('users').select(['id', 'email', 'role', 'created_at', 'disabled_at']).orderBy('id').execute());
      if (options.json) {
        console.log(JSON.stringify(rows.map((r) => ({ id: r.id, email: r.email, role: r.role, createdAt: r.created_at.toISOString(), disabledAt: r.disabled_at?.toISOString() ?? null }))));
        return;
      }
      if (rows.length === 0) console.log('no users');
      for (const r of rows) console.log(`${r.id}\t${r.email}\t${r.role}\t${r.disabled_at === null ? 'active' : 'disabled'}`);
    });
  command.command('disable')
    .description('disable an account (its sessions stop working at once)')
    .argument('<email>', 'login email')
    .action(async (email: string) => {
      const updated = await withDatabase(loadEnv(), (db) => db.updateTable('users').set({ disabled_at: new Date() })
        .where('email', '=', email.trim().toLowerCase()).where('disabled_at', 'is', null).returning('id').executeTakeFirst());
      if (updated === undefined) {
        console.error(`cohortwatch: no active account ${email}`);
        process.exitCode = 2;
        return;
      }
      console.log(`disabled ${email.trim().toLowerCase()}`);
    });
};
