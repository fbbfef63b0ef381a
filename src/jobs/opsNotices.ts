// One mail to the operators (OPS_EMAIL) when the alerting path needs a person: a look failed, or an
// alert mail has waited more than a day. Each condition is mailed once (ops_notices remembers it);
// a notice that could not be sent is tried again at the next sweep.
import type { Kysely } from 'kysely';
import type { Transporter } from 'nodemailer';
import type { Database } from '../db/database.ts';
import { failedLooks } from './looks.ts';

export interface OpsCondition {
  readonly key: string;
  readonly line: string;
}

const DAY_MS = 86_400_000;

/** Conditions that hold now and were never mailed. */
export async function newOpsConditions(db: Kysely<Database>, now: Date = new Date()): Promise<OpsCondition[]> {
  const conditions: OpsCondition[] = [];
  for (const look of await failedLooks(db)) {
    conditions.push({
      key: `look-failed:${look.planVersion}:${look.cutoff}`,
      line: `The look at cutoff ${look.cutoff} (plan ${look.planVersion}) failed ${look.failures} time(s); last error: ${(look.error ?? 'unknown').split('\n')[0].slice(0, 300)}`,
    });
  }
  const stuck = await db.selectFrom('mail_outbox').select(['id', 'status', 'recipient', 'created_at', 'last_error'])
    .where('status', 'in', ['pending', 'failed']).where('created_at', '<', new Date(now.getTime() - DAY_MS)).orderBy('id').execute();
  for (const mail of stuck) {
    conditions.push({
      key: `mail-pending-over-a-day:${mail.id}`,
      line: `Alert mail ${mail.id} to ${mail.recipient} is still ${mail.status} since ${mail.created_at.toISOString()}; last error: ${(mail.last_error ?? 'none').slice(0, 300)}`,
    });
  }
  if (conditions.length === 0) return [];
  const known = await db.selectFrom('ops_notices').select('key').where('key', 'in', conditions.map((c) => c.key)).execute();
  const seen = new Set(known.map((k) => k.key));
  return conditions.filter((c) => !seen.has(c.key));
}

/** Mails the new conditions (one message) and records them; returns how many were reported. */
export async function sendOpsNotices(
  db: Kysely<Database>, transport: Transporter, input: { from: string; to: string; now?: Date },
): Promise<number> {
  const conditions = await newOpsConditions(db, input.now);
  if (conditions.length === 0) return 0;
  const subject = `[CohortWatch ops] ${conditions.length} problem(s) on the alerting path`;
  await transport.sendMail({
    from: input.from, to: input.to, subject,
    text: [
      ...conditions.map((c) => `- ${c.line}`),
      '',
      'See `cohortwatch status`, `cohortwatch looks list` and `cohortwatch mail list`; docs/operations.md says what to do.',
      'Each problem is reported once.',
    ].join('\n'),
  });
  await db.insertInto('ops_notices').values(conditions.map((c) => ({ key: c.key, subject })))
    .onConflict((oc) => oc.column('key').doNothing()).execute();
  return conditions.length;
}
