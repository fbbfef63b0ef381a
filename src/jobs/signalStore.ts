// Signals in PostgreSQL: the look's changes (applyLookToSignals, in the look's transaction) and the
// actions of people (signalAction). Every change appends to signal_events; nothing is updated there.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import { canonicalEmailAddress } from '../contract/emailAddress.ts';
import type { SignalsTable } from '../db/signalTables.ts';
import type { EndpointId, PopulationId } from '../analysis/plan.ts';
import { personTransition, reminderDue, signalChanges, SignalTransitionError, withdrawal } from '../analysis/signals/index.ts';
import type { AppliedChange, LookSignals, SignalLookInput, PersonAction, SignalEvidence, SignalRecord, SignalState, SignalView, StoredSignalEvent } from '../analysis/signals/index.ts';

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
    await trx.insertInto('signal_events').values({ signal_id: id, by: who, action: next.audit, comment: words, state: next.state }).execute();
  });
  const view = await getSignal(db, id);
  if (!view) throw new SignalInputError(`no signal with id ${id}`);
  return view;
}

/** The look as signalChanges sees it (the existing signals are read here), plus what the store needs. */
export interface LookSignalsInput extends Omit<SignalLookInput, 'signals'> {
  readonly runId: number;
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
    await trx.insertInto('signal_events').values({ signal_id: id, by: SYSTEM_ACTOR, action: change.audit, comment: change.comment, run_id: input.runId, cutoff: input.cutoff, state: change.to, evidence }).execute();
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
          signal_id: signal.id, by: SYSTEM_ACTOR, action: 'reminded', run_id: input.runId, cutoff: input.cutoff, state: signal.state,
          comment: `look ${input.look}: open and unacknowledged for more than ${input.reminderDays} days; re-sent to the estimand's subscribers`,
        }).execute();
      }
      awaiting.push({ ...signal, reminder, daysOpen: Math.max(0, Math.floor((input.now.getTime() - openSince.getTime()) / 86_400_000)) });
    }
  }
  return { changes: applied, awaiting };
}

export interface WithdrawnSignal {
  readonly id: number;
  readonly from: SignalState;
  readonly to: SignalState;
}

/**
 * Voiding a look (in the void's transaction, after the run is marked void): every signal the look
 * opened is withdrawn, every one it reopened or updated goes back to its state and evidence before
 * it (src/analysis/signals/withdrawal.ts); each gets a `withdrawn` audit row by the voiding user with
 * the void's reason. Signals a later live look has acted on since are left as they are.
 */
export async function withdrawLookSignals(trx: Transaction<Database>, voided: { runId: number; cutoff: string; by: string; reason: string }): Promise<WithdrawnSignal[]> {
  const touched = await trx.selectFrom('signal_events').select('signal_id').distinct().where('run_id', '=', voided.runId).execute();
  if (touched.length === 0) return [];
  const ids = touched.map((t) => t.signal_id);
  const signals = await trx.selectFrom('signals').select(['id', 'state']).where('id', 'in', ids).orderBy('id').forUpdate().execute();
  const events = await trx.selectFrom('signal_events').select(['signal_id', 'action', 'run_id', 'cutoff', 'state', 'evidence'])
    .where('signal_id', 'in', ids).orderBy('id').execute();
  const voidedRuns = new Set((await trx.selectFrom('analysis_runs').select('id').where('voided_at', 'is not', null).execute()).map((r) => r.id));
  voidedRuns.add(voided.runId);
  const withdrawn: WithdrawnSignal[] = [];
  for (const signal of signals) {
    const trail: StoredSignalEvent[] = events.filter((e) => e.signal_id === signal.id).map((e) => ({
      action: e.action, runId: e.run_id, cutoff: e.cutoff, state: e.state, evidence: e.evidence as unknown as SignalEvidence | null,
    }));
    const w = withdrawal(trail, { ...voided, voidedRuns });
    if (w === null) continue;
    await trx.updateTable('signals').set({
      state: w.state, updated_at: new Date(),
      ...(w.restore === null ? {} : { evidence: JSON.stringify(w.restore.evidence), last_cutoff: w.restore.cutoff }),
    }).where('id', '=', signal.id).execute();
    await trx.insertInto('signal_events').values({ signal_id: signal.id, by: voided.by, action: 'withdrawn', comment: w.comment, run_id: voided.runId, cutoff: voided.cutoff, state: w.state }).execute();
    withdrawn.push({ id: signal.id, from: signal.state, to: w.state });
  }
  return withdrawn;
}
