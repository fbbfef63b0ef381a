import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import type { EstimateRecord } from '../analysis/runResult.ts';
import { estimandHolds } from '../analysis/signals/index.ts';
import type { LookSignals } from '../analysis/signals/index.ts';
import { composeDigest, digestHasNews } from './composeDigest.ts';
import type { DigestAwaiting, DigestEstimate, DigestSignal } from './composeDigest.ts';
import { listInvestigators } from './investigators.ts';
import type { Subscription } from './investigators.ts';

export interface EnqueueDigestsInput {
  readonly runId: number;
  readonly look: number;
  readonly cutoff: string;
  readonly planVersion: string;
  /** How many earlier runs of this cutoff were voided: a look taken again gets new Message-IDs. */
  readonly revision: number;
  readonly signals: LookSignals;
  readonly estimates: readonly EstimateRecord[];
  readonly smallCellMin: number;
  readonly alertFrom: string;
  readonly reportBaseUrl: string | null;
}

const covers = (subs: readonly Subscription[], population: string, endpoint: string) =>
  subs.some((s) => (s.population === '*' || s.population === population) && (s.endpoint === '*' || s.endpoint === endpoint));

/** Message-ID of a look's digest to one recipient: the same for every resend and for a rerun of a crashed look. */
export function digestMessageId(input: { planVersion: string; cutoff: string; revision: number; recipient: string }, from: string): string {
  const key = ['digest', input.planVersion, input.cutoff, input.recipient.toLowerCase(), ...(input.revision > 0 ? [`r${input.revision}`] : [])].join('|');
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'cohortwatch.invalid';
  return `<dg-${createHash('sha256').update(key).digest('hex').slice(0, 24)}@${domain}>`;
}

function digestEstimate(e: EstimateRecord): DigestEstimate {
  const reason = typeof e.details.reason === 'string' ? e.details.reason : null;
  return {
    population: e.population, endpoint: e.endpoint, primary: e.primary, hr: e.hr, lower: e.lower, upper: e.upper,
    repeatedLower: e.repeatedLower, repeatedUpper: e.repeatedUpper, events: e.events, eventsPort: e.eventsPort, eventsPtr: e.eventsPtr,
    note: e.hr === null ? reason : null,
  };
}

/**
 * At most one digest per investigator per look, in the look's transaction: the investigator's new,
 * reopened and updated signals, state changes, open signals awaiting acknowledgement (reminders) and
 * held estimands, for the estimands they subscribe to. Nothing new for an investigator: no row. One
 * outbox row per (run, recipient), with its rendered message and stable Message-ID, so the outbox's
 * delivery and retry-until-delivered apply unchanged. Returns the new outbox ids.
 */
export async function enqueueDigests(db: Kysely<Database>, input: EnqueueDigestsInput): Promise<number[]> {
  const people = await listInvestigators(db);
  if (people.length === 0) return [];
  const monitoring = input.estimates.filter((e) => e.model === 'monitoring' && e.term === 'port')
    .sort((a, b) => Number(b.primary) - Number(a.primary));
  const held = monitoring.filter((e) => estimandHolds(e).length > 0);
  const changed: DigestSignal[] = input.signals.changes.map((c) => ({ id: c.id, population: c.population, endpoint: c.endpoint, rule: c.rule, action: c.audit, evidence: c.evidence }));
  const awaiting: DigestAwaiting[] = input.signals.awaiting.map((a) => ({
    id: a.id, population: a.population, endpoint: a.endpoint, rule: a.rule, openedAtCutoff: a.openedAtCutoff, daysOpen: a.daysOpen, reminder: a.reminder,
  }));
  // One person, one digest: addresses are case-insensitive.
  const byRecipient = new Map<string, Subscription[]>();
  for (const p of people) byRecipient.set(p.email.toLowerCase(), [...(byRecipient.get(p.email.toLowerCase()) ?? []), ...p.subscriptions]);
  const ids: number[] = [];
  for (const [recipient, subs] of byRecipient) {
    const mine = <T extends { population: string; endpoint: string }>(list: readonly T[]) => list.filter((x) => covers(subs, x.population, x.endpoint));
    const own = mine(changed);
    const digest = {
      look: input.look, cutoff: input.cutoff, planVersion: input.planVersion,
      signals: own.filter((s) => s.rule !== 'state'), stateChanges: own.filter((s) => s.rule === 'state'),
      awaiting: mine(awaiting), holds: mine(held).length, estimates: monitoring.map(digestEstimate),
      reportBaseUrl: input.reportBaseUrl, smallCellMin: input.smallCellMin,
    };
    if (!digestHasNews(digest)) continue;
    const mail = composeDigest(digest);
    const row = await db.insertInto('mail_outbox').values({
      alert_id: null, run_id: input.runId, recipient,
      message_id: digestMessageId({ planVersion: input.planVersion, cutoff: input.cutoff, revision: input.revision, recipient }, input.alertFrom),
      subject: mail.subject, text_body: mail.text, html_body: mail.html,
    }).returning('id').executeTakeFirstOrThrow();
    ids.push(row.id);
  }
  return ids;
}
