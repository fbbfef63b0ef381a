import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';

const keys = new WeakMap<Kysely<Database>, Promise<string>>();

/**
 * A short key of the database itself (cluster system identifier and database oid), the same for every
 * client whatever URL it uses, and new for a database created afresh (even under the same name). Queue
 * job ids carry it, so a job finished against one database never stands in for another's.
 */
export function databaseKey(db: Kysely<Database>): Promise<string> {
  let key = keys.get(db);
  if (!key) {
    key = sql<{ system: string; oid: string }>`select (select system_identifier::text from pg_control_system()) as system,
        (select oid::text from pg_database where datname = current_database()) as oid`.execute(db)
      .then(({ rows }) => createHash('sha256').update(`${rows[0].system}/${rows[0].oid}`).digest('hex').slice(0, 12));
    key.catch(() => keys.delete(db));
    keys.set(db, key);
  }
  return key;
}
