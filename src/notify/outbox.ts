// What an operator does with the alert-mail outbox: list it, resend a mail, cancel one for good.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import type { MailState } from '../db/analysisTables.ts';

export class OutboxInputError extends Error {
  override name = 'OutboxInputError';
}

export interface OutboxMail {
  readonly id: number;
  /** The alert of a single-alert mail; null for a look's digest (runId). */
  readonly alertId: string | null;
  readonly runId: number | null;
  readonly recipient: string;
  readonly subject: string;
  readonly messageId: string;
  readonly state: MailState;
  readonly attempts: number;
  readonly retryRounds: number;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly sentAt: string | null;
  readonly nextAttemptAt: string | null;
  readonly cancelledAt: string | null;
  readonly cancelReason: string | null;
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export async function listOutbox(db: Kysely<Database>, options: { state?: MailState; limit?: number } = {}): Promise<OutboxMail[]> {
  let query = db.selectFrom('mail_outbox').selectAll().orderBy('id', 'desc').limit(options.limit ?? 1000);
  if (options.state) query = query.where('status', '=', options.state);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id, alertId: r.alert_id, runId: r.run_id, recipient: r.recipient, subject: r.subject, messageId: r.message_id, state: r.status,
    attempts: r.attempts, retryRounds: r.retry_rounds, lastError: r.last_error, createdAt: r.created_at.toISOString(),
    sentAt: iso(r.sent_at), nextAttemptAt: iso(r.next_attempt_at), cancelledAt: iso(r.cancelled_at), cancelReason: r.cancel_reason,
  }));
}

async function mailState(db: Kysely<Database>, id: number): Promise<{ status: MailState; sent_at: Date | null }> {
  const row = await db.selectFrom('mail_outbox').select(['status', 'sent_at']).where('id', '=', id).executeTakeFirst();
  if (!row) throw new OutboxInputError(`no outbox mail with id ${id}`);
  return row;
}

/** Puts a pending, failed or cancelled mail back in line for delivery now (a sent mail stays sent). */
export async function reinstateMail(db: Kysely<Database>, id: number): Promise<void> {
  const row = await mailState(db, id);
  if (row.status === 'sent') throw new OutboxInputError(`mail ${id} was already delivered (${row.sent_at?.toISOString() ?? 'sent'}); nothing to resend`);
  await db.updateTable('mail_outbox').set({ status: 'pending', next_attempt_at: null, cancelled_at: null, cancel_reason: null })
    .where('id', '=', id).where('status', '!=', 'sent').execute();
}

/** Cancels an undelivered mail for good, with the operator's reason (kept with the row). */
export async function cancelMail(db: Kysely<Database>, id: number, reason: string): Promise<void> {
  if (reason.trim() === '') throw new OutboxInputError('--reason must not be empty');
  const row = await mailState(db, id);
  if (row.status === 'sent') throw new OutboxInputError(`mail ${id} was already delivered (${row.sent_at?.toISOString() ?? 'sent'}); it cannot be cancelled`);
  if (row.status === 'cancelled') throw new OutboxInputError(`mail ${id} is already cancelled`);
  await db.updateTable('mail_outbox').set({ status: 'cancelled', cancelled_at: new Date(), cancel_reason: reason.trim(), next_attempt_at: null })
    .where('id', '=', id).where('status', 'in', ['pending', 'failed']).execute();
}

export interface OutboxSummary {
  readonly pending: number;
  readonly failed: number;
  readonly sent: number;
  readonly cancelled: number;
  /** Age of the oldest mail not yet delivered (pending or failed); null when there is none. */
  readonly oldestPendingAgeSeconds: number | null;
}

export async function outboxSummary(db: Kysely<Database>): Promise<OutboxSummary> {
  const counts = await db.selectFrom('mail_outbox').select(['status', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('status').execute();
  const oldest = await db.selectFrom('mail_outbox')
    .select(sql<number | null>`extract(epoch from now() - min(created_at))::float8`.as('age'))
    .where('status', 'in', ['pending', 'failed']).executeTakeFirstOrThrow();
  const n = (state: MailState) => Number(counts.find((c) => c.status === state)?.n ?? 0);
  return {
    pending: n('pending'), failed: n('failed'), sent: n('sent'), cancelled: n('cancelled'),
    oldestPendingAgeSeconds: oldest.age === null ? null : Math.round(oldest.age),
  };
}
