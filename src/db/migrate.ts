// Schema migrations: Kysely's Migrator over the TypeScript files in migrations/ (loaded under tsx or
// vitest), plus creating the database itself when it does not exist yet.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { Migration, MigrationProvider, MigrationResult } from 'kysely/migration';
import type { Database } from './database.ts';

export const migrationFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * Kysely's FileMigrationProvider imports from inside node_modules, where neither vitest's module
 * runner nor every loader setup sees .ts files; importing from here works under tsx and vitest alike.
 */
class FolderMigrationProvider implements MigrationProvider {
  constructor(private readonly folder: string) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await fs.readdir(this.folder)).filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'));
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const module = (await import(pathToFileURL(path.join(this.folder, file)).href)) as Partial<Migration>;
      if (typeof module.up !== 'function') throw new MigrationError(`migration ${file} exports no up()`);
      migrations[file.replace(/\.(ts|js)$/, '')] = { up: module.up, ...(module.down ? { down: module.down } : {}) };
    }
    return migrations;
  }
}

/** Applies every pending migration; returns the names applied. Throws MigrationError on failure. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new FolderMigrationProvider(migrationFolder) });
  const { error, results } = await migrator.migrateToLatest();
  const applied = (results ?? []).filter((r: MigrationResult) => r.status === 'Success').map((r) => r.migrationName);
  if (error !== undefined) {
    const failed = (results ?? []).find((r) => r.status === 'Error')?.migrationName ?? 'unknown migration';
    const message = error instanceof Error ? error.message : JSON.stringify(error);
    throw new MigrationError(`migration ${failed} failed: ${message}`);
  }
  return applied;
}

/** The database name a URL points at. */
export function databaseName(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  if (name === '') throw new MigrationError('DATABASE_URL names no database');
  return name;
}

/**
 * Creates the database named by the URL if it is missing (connecting to the server's `postgres`
 * database to do so). Returns true when it was created.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const name = databaseName(databaseUrl);
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount !== 0) return false;
    try {
      // Identifiers cannot be bound as parameters; escapeIdentifier quotes the name safely.
      await client.query(`create database ${client.escapeIdentifier(name)}`);
    } catch (error) {
      // Two processes migrating at once: the other one created it first.
      if (error instanceof Error && 'code' in error && error.code === '42P04') return false;
      throw error;
    }
    return true;
  } finally {
    await client.end();
  }
}
