// Tables of `cohortwatch serve` (created by migrations/2026_11_30_060_serve_accounts.ts): dashboard
// users and sessions, API keys, and the access audit.
import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type NullableTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type UserRole = 'investigator' | 'data-manager' | 'admin';
export const USER_ROLES: readonly UserRole[] = ['investigator', 'data-manager', 'admin'];

export interface UsersTable {
  id: Generated<number>;
  email: string;
  role: UserRole;
  password_hash: string;
  created_at: CreatedAt;
  disabled_at: NullableTime;
}

export interface WebSessionsTable {
  sid_hash: string;
  data: ColumnType<Record<string, unknown>, string, string>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  scopes: ColumnType<string[], string[], string[]>;
  key_hash: string;
  created_at: CreatedAt;
  last_used_at: NullableTime;
  revoked_at: NullableTime;
}

export type AccessAction =
  | 'login' | 'login_failed' | 'logout' | 'user_added' | 'user_updated' | 'api_key_created' | 'api_key_revoked' | 'forbidden';

export interface AccessAuditTable {
  id: Generated<number>;
  at: CreatedAt;
  action: AccessAction;
  user_id: number | null;
  api_key_id: number | null;
  subject: string | null;
  ip: string | null;
}

export interface ServeTables {
  users: UsersTable;
  web_sessions: WebSessionsTable;
  api_keys: ApiKeysTable;
  access_audit: AccessAuditTable;
}
