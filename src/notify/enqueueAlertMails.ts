import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import type { EstimateRecord } from '../analysis/runResult.ts';
import type { ForestRow } from '../reports/reportInput.ts';
import { forestRows } from '../reports/assembly/forestRows.ts';
import { messageIdFor } from './alertId.ts';
import { composeAlertMail } from './composeAlertMail.ts';
import type { MailEstimate } from './composeAlertMail.ts';
import { subscribersOf } from './investigators.ts';
import { forestSvgForMail } from './forestSvg.ts';

export interface AlertForMail {
  readonly id: string;
  readonly population: string;
  readonly endpoint: string;
  readonly rule: string;
  readonly status: 'fired' | 'held';
  readonly summary: string;
}

export interface EnqueueAlertMailsInput {
  readonly alerts: readonly AlertForMail[];
  readonly estimates: readonly EstimateRecord[];
  readonly cutoff: string;
  readonly look: number;
  readonly planVersion: string;
  readonly smallCellMin: number;
  readonly alertFrom: string;
  readonly renderForest?: (rows: readonly ForestRow[], smallCellMin: number) => Promise<string>;
}

function mailEstimate(e: EstimateRecord): MailEstimate | null {
  if (e.hr === null || e.lower === null || e.upper === null || e.z === null) return null;
  return {
    population: e.population, endpoint: e.endpoint, primary: e.primary, hr: e.hr, lower: e.lower, upper: e.upper,
    repeatedLower: e.repeatedLower, repeatedUpper: e.repeatedUpper, z: e.z, boundaryZ: e.boundaryZ,
    informationFraction: e.informationFraction, events: e.events, eventsPort: e.eventsPort, eventsNoPort: e.eventsNoPort,
  };
}

/**
 * Writes one outbox row per fired alert and subscribed investigator, in the caller's transaction (the
 * run's), with the complete rendered message and its stable Message-ID: a resend is byte-for-byte the
 * same mail. Returns the new outbox ids (to be handed to the mail queue after commit).
 */
export async function enqueueAlertMails(db: Kysely<Database>, input: EnqueueAlertMailsInput): Promise<number[]> {
  if (input.alerts.length === 0) return [];
  const monitoring = input.estimates.filter((e) => e.model === 'monitoring' && e.term === 'port');
  const forestSvg = await (input.renderForest ?? forestSvgForMail)(forestRows(monitoring), input.smallCellMin);
  const ids: number[] = [];
  for (const alert of input.alerts) {
    const recipients = await subscribersOf(db, alert.population, alert.endpoint);
    if (recipients.length === 0) continue;
    const own = monitoring.filter((e) => e.population === alert.population && e.endpoint === alert.endpoint);
    const others = monitoring.filter((e) => !(e.population === alert.population && e.endpoint === alert.endpoint));
    const mail = composeAlertMail({
      rule: alert.rule, status: alert.status, population: alert.population, endpoint: alert.endpoint, summary: alert.summary,
      cutoff: input.cutoff, look: input.look, planVersion: input.planVersion,
      estimates: [...own, ...others].map(mailEstimate).filter((m): m is MailEstimate => m !== null),
      forestSvg, smallCellMin: input.smallCellMin,
    });
    const messageId = messageIdFor(alert.id, input.alertFrom);
    const inserted = await db.insertInto('mail_outbox')
      .values(recipients.map((recipient) => ({
        alert_id: alert.id, recipient, message_id: messageId, subject: mail.subject, text_body: mail.text, html_body: mail.html,
      })))
      .onConflict((oc) => oc.columns(['alert_id', 'recipient']).doNothing())
      .returning('id').execute();
    ids.push(...inserted.map((r) => r.id));
  }
  return ids;
}
