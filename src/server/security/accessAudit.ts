// The access audit: logins, failed logins, logouts, refused pages, account and key changes.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { AccessAction } from '../../db/serveTables.ts';

export interface AccessEntry {
  action: AccessAction;
  userId?: number;
  apiKeyId?: number;
  /** Free text (a typed email, a path): stored as given, escaped wherever it is shown. */
  subject?: string;
  ip?: string;
}

export async function recordAccess(db: Kysely<Database>, entry: AccessEntry): Promise<void> {
  await db.insertInto('access_audit').values({
    action: entry.action, user_id: entry.userId ?? null, api_key_id: entry.apiKeyId ?? null, subject: entry.subject ?? null, ip: entry.ip ?? null,
  }).execute();
}
