import type { Kysely } from 'kysely';
import type { Transporter } from 'nodemailer';
import type { Database } from '../db/database.ts';

export type DeliveryOutcome = 'sent' | 'already-sent' | 'busy' | 'missing';

/**
 * Sends one outbox mail. The row stays locked (FOR UPDATE) while the SMTP exchange runs and is marked
 * sent in the same transaction afterwards, so two workers never send it concurrently; if the process
 * dies between the SMTP server accepting the message and the commit, the row is still pending and
 * the resend carries the same Message-ID (stored with the row), which mail clients collapse.
 */
export async function deliverOutboxMail(db: Kysely<Database>, transport: Transporter, from: string, outboxId: number): Promise<DeliveryOutcome> {
  const result = await db.transaction().execute(async (trx): Promise<DeliveryOutcome | Error> => {
    const row = await trx.selectFrom('mail_outbox').selectAll().where('id', '=', outboxId).forUpdate().skipLocked().executeTakeFirst();
    if (!row) {
      const exists = await trx.selectFrom('mail_outbox').select('id').where('id', '=', outboxId).executeTakeFirst();
      return exists ? 'busy' : 'missing';
    }
    if (row.status === 'sent') return 'already-sent';
    try {
      await transport.sendMail({
        from, to: row.recipient, subject: row.subject, text: row.text_body, html: row.html_body,
        messageId: row.message_id, headers: { 'X-CohortWatch-Alert': row.alert_id },
      });
    } catch (error) {
      // Commit the failed attempt (count and reason) and let the queue retry with backoff.
      const failure = error instanceof Error ? error : new Error(String(error));
      await trx.updateTable('mail_outbox').set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: failure.message.slice(0, 500) }))
        .where('id', '=', outboxId).execute();
      return failure;
    }
    await trx.updateTable('mail_outbox').set((eb) => ({ status: 'sent', sent_at: new Date(), attempts: eb('attempts', '+', 1), last_error: null }))
      .where('id', '=', outboxId).execute();
    return 'sent';
  });
  if (result instanceof Error) throw result;
  return result;
}

/** Ids of mails not yet sent (oldest first): what a restarted worker re-enqueues. */
export async function pendingOutboxIds(db: Kysely<Database>): Promise<number[]> {
  const rows = await db.selectFrom('mail_outbox').select('id').where('status', '=', 'pending').orderBy('id').execute();
  return rows.map((r) => r.id);
}
