// Signals in PostgreSQL: the look's changes (applyLookToSignals, in the look's transaction) and the
// actions of people (signalAction). Every change appends to signal_events; nothing is updated there.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import { canonicalEmailAddress } from '../contract/emailAddress.ts';
import type { SignalsTable } from '../db/signalTables.ts';
import type { EndpointId, PopulationId } from '../analysis/plan.ts';
import { personTransition, reminderDue, signalChanges, SignalTransitionError } from '../analysis/signals/index.ts';
import type { AppliedChange, LookAlert, LookSignals, PersonAction, SignalEvidence, SignalRecord, SignalState, SignalView } from '../analysis/signals/index.ts';
import type { EstimateRecord } from '../analysis/runResult.ts';
import type { EstimandLook } from '../analysis/monitoring/index.ts';

export { SignalTransitionError };
export type { LookSignals };

/** A person's request that cannot be done as asked (exit 2 in the CLI). */
export class SignalInputError extends Error {
  override name = 'SignalInputError';
}

/** Who acts for a look (opened, updated, reopened by evidence, reminded). */
export const SYSTEM_ACTOR = 'cohortwatch';

const toRecord = (row: Selectable<SignalsTable>): SignalRecord => ({
  id: row.id, population: row.population as PopulationId, endpoint: row.endpoint as EndpointId, rule: row.rule, state: row.state,
  openedAtCutoff: row.opened_at_cutoff, lastCutoff: row.last_cutoff, evidence: row.evidence as unknown as SignalEvidence,
});

async function withHistory(db: Kysely<Database>, records: SignalRecord[]): Promise<SignalView[]> {
  if (records.length === 0) return [];
  const events = await db.selectFrom('signal_events').select(['signal_id', 'at', 'by', 'action', 'comment'])
    .where('signal_id', 'in', records.map((r) => r.id)).orderBy('id').execute();
  return records.map((r) => ({
    ...r,
    history: events.filter((e) => e.signal_id === r.id).map((e) => ({ at: e.at.toISOString(), by: e.by, action: e.action, comment: e.comment })),
  }));
}

export interface SignalFilter {
  readonly state?: SignalState;
}

/** Signals (newest first), each with its audit history. */
export async function listSignals(db: Kysely<Database>, filter: SignalFilter = {}): Promise<SignalView[]> {
  let query = db.selectFrom('signals').selectAll().orderBy('id', 'desc');
  if (filter.state !== undefined) query = query.where('state', '=', filter.state);
  return withHistory(db, (await query.execute()).map(toRecord));
}

export async function getSignal(db: Kysely<Database>, id: number): Promise<SignalView | null> {
  const row = await db.selectFrom('signals').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? (await withHistory(db, [toRecord(row)]))[0] : null;
}

/**
 * A person acknowledges, closes (with the decision) or reopens a signal. `by` must be an e-mail address
 * and `text` (comment or decision) non-empty; the transition must be allowed from the signal's state.
 * The row is locked, so two people acting at once are serialised and the second sees the first's state.
 */
export async function signalAction(db: Kysely<Database>, id: number, action: PersonAction, by: string, text: string): Promise<SignalView> {
  // The rule of the users table: every account that can log in can act (src/contract/emailAddress.ts).
  const who = canonicalEmailAddress(by);
  const words = text.trim();
  if (who === null) throw new SignalInputError(`--by must be an e-mail address, got "${by}"`);
  if (words === '') throw new SignalInputError(action === 'close' ? '--decision must not be empty' : '--comment must not be empty');
  if (words.length > 4000) throw new SignalInputError('the comment is longer than 4000 characters');
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('signals').select(['id', 'state']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw new SignalInputError(`no signal with id ${id}`);
    const next = personTransition(id, row.state, action);
    await trx.updateTable('signals').set({ state: next.state, updated_at: new Date() }).where('id', '=', id).execute();
    await trx.insertInto('signal_events').values({ signal_id: id, by: who, action: next.audit, comment: words }).execute();
  });
  const view = await getSignal(db, id);
  if (!view) throw new SignalInputError(`no signal with id ${id}`);
  return view;
}

export interface LookSignalsInput {
  readonly runId: number;
  readonly look: number;
  readonly cutoff: string;
  readonly planVersion: string;
  readonly alerts: readonly LookAlert[];
  readonly estimates: readonly EstimateRecord[];
  readonly looks: readonly EstimandLook[];
  /** The look's clock (escalation compares it with when a signal was last opened). */
  readonly now: Date;
  /** SIGNAL_REMINDER_DAYS. */
  readonly reminderDays: number;
}

/** Applies one look to the signals (in the look's transaction): opens, updates, reopens, reminders, audit rows. */
export async function applyLookToSignals(trx: Transaction<Database>, input: LookSignalsInput): Promise<LookSignals> {
  const before = (await trx.selectFrom('signals').selectAll().orderBy('id').forUpdate().execute()).map(toRecord);
  const changes = signalChanges({ ...input, signals: before });
  const applied: AppliedChange[] = [];
  for (const change of changes) {
    const evidence = JSON.stringify(change.evidence);
    let id: number;
    if (change.signalId === null) {
      const row = await trx.insertInto('signals').values({
        population: change.population, endpoint: change.endpoint, rule: change.rule, state: change.to,
        opened_at_cutoff: input.cutoff, last_cutoff: input.cutoff, evidence,
      }).returning('id').executeTakeFirstOrThrow();
      id = row.id;
    } else {
      id = change.signalId;
      await trx.updateTable('signals').set({ state: change.to, last_cutoff: input.cutoff, evidence, updated_at: new Date() }).where('id', '=', id).execute();
    }
    await trx.insertInto('signal_events').values({ signal_id: id, by: SYSTEM_ACTOR, action: change.audit, comment: change.comment, run_id: input.runId, cutoff: input.cutoff }).execute();
    applied.push({ ...change, id });
  }
  const changed = new Set(applied.map((c) => c.id));
  const open = before.filter((s) => s.state === 'open' && !changed.has(s.id));
  const awaiting: LookSignals['awaiting'][number][] = [];
  if (open.length > 0) {
    const events = await trx.selectFrom('signal_events').select(['signal_id', 'at', 'action', 'run_id'])
      .where('signal_id', 'in', open.map((s) => s.id)).where('action', 'in', ['opened', 'reopened', 'reminded']).execute();
    for (const signal of open) {
      const own = events.filter((e) => e.signal_id === signal.id);
      const openSince = new Date(Math.max(...own.filter((e) => e.action !== 'reminded').map((e) => e.at.getTime())));
      const reminder = reminderDue({
        state: signal.state, openSince, now: input.now, days: input.reminderDays,
        remindedAtThisLook: own.some((e) => e.action === 'reminded' && e.run_id === input.runId),
      });
      if (reminder) {
        await trx.insertInto('signal_events').values({
          signal_id: signal.id, by: SYSTEM_ACTOR, action: 'reminded', run_id: input.runId, cutoff: input.cutoff,
          comment: `look ${input.look}: open and unacknowledged for more than ${input.reminderDays} days; re-sent to the estimand's subscribers`,
        }).execute();
      }
      awaiting.push({ ...signal, reminder, daysOpen: Math.max(0, Math.floor((input.now.getTime() - openSince.getTime()) / 86_400_000)) });
    }
  }
  return { changes: applied, awaiting };
}
