// @fastify/session's store interface over PostgreSQL, so sessions survive a restart, are shared by
// several `serve` processes, and end for real at logout (a stolen cookie dies with its row). The
// session id is stored as its SHA-256: reading the table gives no live session.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { SessionStore } from '@fastify/session';
import type * as Fastify from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';

type Callback = (error?: unknown) => void;
type GetCallback = (error: unknown, session?: Fastify.Session | null) => void;

const sidHash = (sid: string) => createHash('sha256').update(sid, 'utf8').digest('hex');

/** How often (at most) expired rows are swept, piggybacking on a write. */
const SWEEP_EVERY_MS = 10 * 60 * 1000;

export class PostgresSessionStore extends EventEmitter implements SessionStore {
  private lastSweep = 0;

  constructor(private readonly db: Kysely<Database>, private readonly ttlMs: number) {
    super();
  }

  set(sessionId: string, session: Fastify.Session, callback: Callback): void {
    const cookieExpires = (session.cookie as { expires?: Date | null } | undefined)?.expires;
    const expiresAt = cookieExpires instanceof Date ? cookieExpires : new Date(Date.now() + this.ttlMs);
    const data = JSON.stringify(session);
    this.db.insertInto('web_sessions').values({ sid_hash: sidHash(sessionId), data, expires_at: expiresAt })
      .onConflict((oc) => oc.column('sid_hash').doUpdateSet({ data, expires_at: expiresAt }))
      .execute()
      .then(() => this.sweep())
      .then(() => callback(), (error: unknown) => callback(error));
  }

  get(sessionId: string, callback: GetCallback): void {
    this.db.selectFrom('web_sessions').select('data')
      .where('sid_hash', '=', sidHash(sessionId)).where('expires_at', '>', new Date())
      .executeTakeFirst()
      .then((row) => callback(null, (row?.data ?? null) as Fastify.Session | null), (error: unknown) => callback(error));
  }

  destroy(sessionId: string, callback: Callback): void {
    this.db.deleteFrom('web_sessions').where('sid_hash', '=', sidHash(sessionId)).execute()
      .then(() => callback(), (error: unknown) => callback(error));
  }

  private async sweep(): Promise<void> {
    if (Date.now() - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = Date.now();
    await this.db.deleteFrom('web_sessions').where('expires_at', '<=', new Date()).execute();
  }
}
