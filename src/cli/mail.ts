import { InvalidArgumentError } from 'commander';
import type { RegisterCommand } from './commands.ts';
import { loadEnv } from '../config/env.ts';
import { MAIL_STATES } from '../db/analysisTables.ts';
import type { MailState } from '../db/analysisTables.ts';
import { deliverOutboxMail } from '../notify/deliverOutbox.ts';
import { cancelMail, listOutbox, OutboxInputError, reinstateMail } from '../notify/outbox.ts';
import { smtpTransport } from '../notify/transport.ts';
import { withDatabase } from './pipeline/resources.ts';

const stateArg = (value: string): MailState => {
  if (!(MAIL_STATES as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${MAIL_STATES.join(', ')}`);
  return value as MailState;
};

const idArg = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be an outbox mail id (a positive whole number)');
  return n;
};

function refuse(error: unknown): void {
  if (error instanceof OutboxInputError) {
    console.error(`cohortwatch: ${error.message}`);
    process.exitCode = 2;
    return;
  }
  throw error;
}

/**
 * `cohortwatch mail list [--json] [--state S]`, `mail resend ID`, `mail cancel ID --reason TEXT`: the
 * alert-mail outbox. Every resend carries the mail's one Message-ID, so a reader sees one message.
 */
export const registerMail: RegisterCommand = (program) => {
  const command = program.command('mail').description('the alert-mail outbox: list, resend, cancel');
  command.command('list')
    .description('list outbox mails, newest first')
    .option('--json', 'JSON output')
    .option('--state <state>', `only mails in this state (${MAIL_STATES.join('|')})`, stateArg)
    .action(async (options: { json?: boolean; state?: MailState }) => {
      const mails = await withDatabase(loadEnv(), (db) => listOutbox(db, options.state ? { state: options.state } : {}));
      if (options.json) {
        console.log(JSON.stringify(mails, null, 2));
        return;
      }
      if (mails.length === 0) console.log('no mail');
      for (const m of mails) {
        const detail = m.state === 'sent' ? `sent ${m.sentAt ?? ''}`
          : m.state === 'cancelled' ? `cancelled: ${m.cancelReason ?? ''}`
            : `${m.attempts} attempt(s)${m.nextAttemptAt ? `, next ${m.nextAttemptAt}` : ''}${m.lastError ? `, last error: ${m.lastError}` : ''}`;
        console.log(`${m.id}\t${m.state}\t${m.recipient}\t${m.subject}\t${detail}`);
      }
    });
  command.command('resend').argument('<id>', 'outbox mail id (see mail list)', idArg)
    .description('deliver a pending, failed or cancelled mail now (same Message-ID)')
    .action(async (id: number) => {
      const env = loadEnv();
      try {
        await withDatabase(env, async (db) => {
          await reinstateMail(db, id);
          const transport = smtpTransport(env.SMTP_URL);
          try {
            const outcome = await deliverOutboxMail(db, transport, env.ALERT_FROM, id, { finalAttempt: true, retry: { baseMs: env.ALERT_RETRY_BASE_MS, maxMs: env.ALERT_RETRY_MAX_MS } });
            console.log(outcome === 'busy' ? `mail ${id} is being sent by a worker right now` : `mail ${id}: ${outcome}`);
          } catch (error) {
            console.error(`cohortwatch: mail ${id} not delivered (${error instanceof Error ? error.message : String(error)}); the scheduler retries it`);
            process.exitCode = 1;
          } finally {
            transport.close();
          }
        });
      } catch (error) {
        refuse(error);
      }
    });
  command.command('cancel').argument('<id>', 'outbox mail id (see mail list)', idArg)
    .description('cancel an undelivered mail for good')
    .requiredOption('--reason <text>', 'why (kept with the mail)')
    .action(async (id: number, options: { reason: string }) => {
      try {
        await withDatabase(loadEnv(), (db) => cancelMail(db, id, options.reason));
        console.log(`mail ${id} cancelled`);
      } catch (error) {
        refuse(error);
      }
    });
};
