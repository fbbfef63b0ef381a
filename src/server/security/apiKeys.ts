// API keys for producers and scripts: 256 random bits, shown once at creation; only their SHA-256 is
// stored (a key is not a password: it has full entropy, so a slow hash would add nothing but latency
// to every request). A key names its scopes; a revoked key stops working at once.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';

export const API_SCOPES = ['events:write', 'monitoring:read'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** Recognisable in a secret scanner and in logs that should never contain it: `cwk_` + 43 base64url characters. */
const KEY_PREFIX = 'cwk_';
const KEY_PATTERN = /^cwk_[A-Za-z0-9_-]{43}$/;

export class ApiKeyInputError extends Error {
  override name = 'ApiKeyInputError';
}

export interface ApiKeyRecord {
  id: number;
  name: string;
  scopes: ApiScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface CreatedApiKey {
  id: number;
  name: string;
  scopes: ApiScope[];
  /** The key itself: returned once, never stored. */
  key: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function parseScopes(list: string): ApiScope[] {
  const scopes = [...new Set(list.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
  if (scopes.length === 0) throw new ApiKeyInputError(`--scopes needs at least one of ${API_SCOPES.join(', ')}`);
  for (const scope of scopes) {
    if (!(API_SCOPES as readonly string[]).includes(scope)) {
      throw new ApiKeyInputError(`unknown scope ${JSON.stringify(scope.slice(0, 40))}: use ${API_SCOPES.join(', ')}`);
    }
  }
  return scopes as ApiScope[];
}

export function checkKeyName(name: string): string {
  const trimmed = name.trim();
  // eslint-disable-next-line no-control-regex
  if (trimmed.length < 1 || trimmed.length > 100 || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new ApiKeyInputError('--name must be 1-100 characters without control characters');
  }
  return trimmed;
}

export async function createApiKey(db: Kysely<Database>, name: string, scopes: readonly ApiScope[]): Promise<CreatedApiKey> {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const row = await db.insertInto('api_keys')
    .values({ name: checkKeyName(name), scopes: [...scopes], key_hash: hashApiKey(key) })
    .returning('id').executeTakeFirstOrThrow();
  await db.insertInto('access_audit').values({ action: 'api_key_created', api_key_id: row.id, subject: name }).execute();
  return { id: row.id, name, scopes: [...scopes], key };
}

export async function listApiKeys(db: Kysely<Database>): Promise<ApiKeyRecord[]> {
  const rows = await db.selectFrom('api_keys')
    .select(['id', 'name', 'scopes', 'created_at', 'last_used_at', 'revoked_at'])
    .orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id, name: r.name, scopes: r.scopes as ApiScope[], createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at,
  }));
}

/** Revokes a key; false when no active key has that id. */
export async function revokeApiKey(db: Kysely<Database>, id: number): Promise<boolean> {
  const revoked = await db.updateTable('api_keys').set({ revoked_at: new Date() })
    .where('id', '=', id).where('revoked_at', 'is', null).returning('id').executeTakeFirst();
  if (revoked === undefined) return false;
  await db.insertInto('access_audit').values({ action: 'api_key_revoked', api_key_id: id }).execute();
  return true;
}

export interface AuthenticatedKey {
  id: number;
  name: string;
  scopes: ApiScope[];
}

/** The active key a presented secret belongs to, or null (malformed, unknown or revoked). */
export async function authenticateApiKey(db: Kysely<Database>, presented: string): Promise<AuthenticatedKey | null> {
  // The shape check keeps arbitrary header text out of the query and the hash.
  if (!KEY_PATTERN.test(presented)) return null;
  const row = await db.updateTable('api_keys').set({ last_used_at: new Date() })
    .where('key_hash', '=', hashApiKey(presented)).where('revoked_at', 'is', null)
    .returning(['id', 'name', 'scopes']).executeTakeFirst();
  return row === undefined ? null : { id: row.id, name: row.name, scopes: row.scopes as ApiScope[] };
}
