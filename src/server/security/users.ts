// Dashboard accounts: an email, a role, and an argon2id password hash (@node-rs/argon2, OWASP's
// recommended memory-hard parameters: m = 19 MiB, t = 2, p = 1).
import { hash, verify } from '@node-rs/argon2';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { canonicalEmailAddress } from '../../contract/emailAddress.ts';
import { USER_ROLES } from '../../db/serveTables.ts';
import type { UserRole } from '../../db/serveTables.ts';

export const ROLES = USER_ROLES;
export type { UserRole };

// algorithm 2 is Algorithm.Argon2id (a const enum, which isolated modules cannot import).
const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 1024;

export class UserInputError extends Error {
  override name = 'UserInputError';
}

/** The account's address in canonical form; the same rule as a signal action's author (src/contract/emailAddress.ts). */
export function normaliseEmail(email: string): string {
  const address = canonicalEmailAddress(email);
  if (address === null) throw new UserInputError(`${JSON.stringify(email.slice(0, 40))} is not an email address`);
  return address;
}

export function checkRole(role: string): UserRole {
  if (!(ROLES as readonly string[]).includes(role)) throw new UserInputError(`role must be one of ${ROLES.join(', ')}`);
  return role as UserRole;
}

export function checkPassword(password: string): string {
  if (password.length < MIN_PASSWORD_LENGTH) throw new UserInputError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new UserInputError(`the password must have at most ${MAX_PASSWORD_LENGTH} characters`);
  return password;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** Adds the account, or updates the role and password of an existing one; true when it was new. */
export async function upsertUser(db: Kysely<Database>, email: string, role: UserRole, password: string): Promise<{ id: number; created: boolean }> {
  const address = normaliseEmail(email);
  const passwordHash = await hashPassword(checkPassword(password));
  const row = await db.insertInto('users')
    .values({ email: address, role: checkRole(role), password_hash: passwordHash })
    .onConflict((oc) => oc.column('email').doUpdateSet({ role, password_hash: passwordHash, disabled_at: null }))
    .returning(['id', sql<boolean>`(xmax = 0)`.as('created')])
    .executeTakeFirstOrThrow();
  await db.insertInto('access_audit').values({ action: row.created ? 'user_added' : 'user_updated', user_id: row.id, subject: `${address} (${role})` }).execute();
  return { id: row.id, created: row.created };
}

export interface SessionUser {
  id: number;
  email: string;
  role: UserRole;
}

// A hash of a random password, verified when the address is unknown, so that a login for an unknown
// address takes as long as one with a wrong password (no account enumeration by timing).
let decoy: Promise<string> | undefined;

/** The account these credentials open, or null; the same work is done whether or not the address exists. */
export async function verifyCredentials(db: Kysely<Database>, email: string, password: string): Promise<SessionUser | null> {
  let address: string;
  try {
    address = normaliseEmail(email);
  } catch {
    address = '';
  }
  const row = address === '' || password.length > MAX_PASSWORD_LENGTH ? undefined : await db.selectFrom('users')
    .select(['id', 'email', 'role', 'password_hash']).where('email', '=', address).where('disabled_at', 'is', null).executeTakeFirst();
  if (row === undefined) {
    decoy ??= hashPassword(`decoy-${Math.random()}-${Date.now()}`);
    await verify(await decoy, password.slice(0, MAX_PASSWORD_LENGTH)).catch(() => false);
    return null;
  }
  const ok = await verify(row.password_hash, password).catch(() => false);
  return ok ? { id: row.id, email: row.email, role: row.role } : null;
}

export async function findSessionUser(db: Kysely<Database>, id: number): Promise<SessionUser | null> {
  const row = await db.selectFrom('users').select(['id', 'email', 'role']).where('id', '=', id).where('disabled_at', 'is', null).executeTakeFirst();
  return row ?? null;
}
