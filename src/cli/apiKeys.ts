import { InvalidArgumentError } from 'commander';
import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import { ApiKeyInputError, checkKeyName, createApiKey, listApiKeys, parseScopes, revokeApiKey } from '../server/security/apiKeys.ts';
import type { ApiScope } from '../server/security/apiKeys.ts';
import { positiveIntegerArgument } from './pipeline/cliArguments.ts';
import { withDatabase } from './pipeline/resources.ts';

const asArgument = <T>(parse: (value: string) => T) => (value: string): T => {
  try {
    return parse(value);
  } catch (error) {
    if (error instanceof ApiKeyInputError) throw new InvalidArgumentError(error.message);
    throw error;
  }
};

/** `cohortwatch api-keys create|list|revoke`: keys for producers and scripts calling /api/v1. */
export const registerApiKeys: RegisterCommand = (program) => {
  const command = program.command('api-keys').description('manage API keys for the HTTP API (the key is printed once; only its hash is stored)');
  command.command('create')
    .description('create a key and print it once')
    .requiredOption('--name <name>', 'what the key is for, e.g. "REDCap nightly export"', asArgument(checkKeyName))
    .requiredOption('--scopes <list>', 'comma-separated: events:write, monitoring:read', asArgument(parseScopes))
    .option('--json', 'print {id, name, scopes, key} as JSON')
    .action(async (options: { name: string; scopes: ApiScope[]; json?: boolean }) => {
      const created = await withDatabase(loadEnv(), (db) => createApiKey(db, options.name, options.scopes));
      if (options.json) {
        console.log(JSON.stringify(created));
        return;
      }
      console.log(`API key ${created.id} (${created.name}; ${created.scopes.join(', ')}):\n${created.key}\nStore it now: it is not shown again.`);
    });
  command.command('list')
    .description('list keys (never the keys themselves)')
    .option('--json', 'JSON output')
    .action(async (options: { json?: boolean }) => {
      const keys = await withDatabase(loadEnv(), (db) => listApiKeys(db));
      if (options.json) {
        console.log(JSON.stringify(keys.map((k) => ({ ...k, createdAt: k.createdAt.toISOString(), lastUsedAt: k.lastUsedAt?.toISOString() ?? null, revokedAt: k.revokedAt?.toISOString() ?? null }))));
        return;
      }
      if (keys.length === 0) console.log('no API keys');
      for (const k of keys) {
        const state = k.revokedAt === null ? 'active' : `revoked ${k.revokedAt.toISOString()}`;
        console.log(`${k.id}\t${k.name}\t${k.scopes.join(',')}\t${state}\tlast used ${k.lastUsedAt?.toISOString() ?? 'never'}`);
      }
    });
  command.command('revoke')
    .description('revoke a key at once')
    .argument('<id>', 'key id (from api-keys list)', positiveIntegerArgument)
    .action(async (id: number) => {
      const revoked = await withDatabase(loadEnv(), (db) => revokeApiKey(db, id));
      if (!revoked) {
        console.error(`cohortwatch: no active API key with id ${id}`);
        process.exitCode = 2;
        return;
      }
      console.log(`revoked API key ${id}`);
    });
};
