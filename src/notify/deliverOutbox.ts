import type { Kysely } from 'kysely';
import type { Transporter } from 'nodemailer';
import type { Database } from '../db/database.ts';
import { DEFAULT_RETRY, retryDelayMs } from './retryBackoff.ts';
import type { RetryPolicy } from './retryBackoff.ts';

export type DeliveryOutcome = 'sent' | 'already-sent' | 'cancelled' | 'busy' | 'missing';

export interface DeliveryOptions {
  /**
   * This is the last attempt the caller will make (the queue's final attempt, an operator's resend):
   * on failure the row becomes 'failed' and is retried at next_attempt_at, after `retry`'s backoff.
   * Otherwise it stays 'pending' and the queue retries it.
   */
  readonly finalAttempt?: boolean;
  readonly retry?: RetryPolicy;
}

/**
 * Sends one outbox mail. The row stays locked (FOR UPDATE) while the SMTP exchange runs and is marked
 * sent in the same transaction afterwards, so two workers never send it concurrently; if the process
 * dies between the SMTP server accepting the message and the commit, the row is still pending and
 * the resend carries the same Message-ID (stored with the row), which mail clients collapse.
 */
export async function deliverOutboxMail(
  db: Kysely<Database>, transport: Transporter, from: string, outboxId: number, options: DeliveryOptions = {},
): Promise<DeliveryOutcome> {
  const result = await db.transaction().execute(async (trx): Promise<DeliveryOutcome | Error> => {
    const row = await trx.selectFrom('mail_outbox').selectAll().where('id', '=', outboxId).forUpdate().skipLocked().executeTakeFirst();
    if (!row) {
      const exists = await trx.selectFrom('mail_outbox').select('id').where('id', '=', outboxId).executeTakeFirst();
      return exists ? 'busy' : 'missing';
    }
    if (row.status === 'sent') return 'already-sent';
    if (row.status === 'cancelled') return 'cancelled';
    try {
      await transport.sendMail({
        from, to: row.recipient, subject: row.subject, text: row.text_body, html: row.html_body,
        messageId: row.message_id,
        headers: row.alert_id !== null ? { 'X-CohortWatch-Alert': row.alert_id } : { 'X-CohortWatch-Look': String(row.run_id) },
      });
    } catch (error) {
      // Commit the failed attempt (count and reason); the queue retries with backoff, and once its
      // attempts ran out the row waits as 'failed' for the outbox sweep (never lost, never 'pending' forever).
      const failure = error instanceof Error ? error : new Error(String(error));
      const giveUp = options.finalAttempt === true;
      await trx.updateTable('mail_outbox').set((eb) => ({
        attempts: eb('attempts', '+', 1), last_error: failure.message.slice(0, 500),
        ...(giveUp ? { status: 'failed' as const, next_attempt_at: new Date(Date.now() + retryDelayMs(row.retry_rounds, options.retry ?? DEFAULT_RETRY)) } : {}),
      })).where('id', '=', outboxId).execute();
      return failure;
    }
    await trx.updateTable('mail_outbox').set((eb) => ({ status: 'sent', sent_at: new Date(), attempts: eb('attempts', '+', 1), last_error: null, next_attempt_at: null }))
      .where('id', '=', outboxId).execute();
    return 'sent';
  });
  if (result instanceof Error) throw result;
  return result;
}

/** Ids of mails waiting in the queue (oldest first): what a restarted worker re-enqueues. */
export async function pendingOutboxIds(db: Kysely<Database>): Promise<number[]> {
  const rows = await db.selectFrom('mail_outbox').select('id').where('status', '=', 'pending').orderBy('id').execute();
  return rows.map((r) => r.id);
}

/**
 * Mails whose queue attempts ran out and whose next retry is due go back to 'pending' (one more retry
 * round); returns their ids, to be handed to the queue.
 */
export async function reviveDueMails(db: Kysely<Database>, now: Date = new Date()): Promise<number[]> {
  const rows = await db.updateTable('mail_outbox')
    .set((eb) => ({ status: 'pending', retry_rounds: eb('retry_rounds', '+', 1), next_attempt_at: null }))
    .where('status', '=', 'failed').where('next_attempt_at', '<=', now)
    .returning('id').execute();
  return rows.map((r) => r.id).sort((a, b) => a - b);
}
