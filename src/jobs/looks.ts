// The look history as an operator sees it, and voiding a look: the run stays in the audit trail, its
// alerts are marked void (their undelivered mails cancelled), what it did to the signals is withdrawn
// (src/analysis/signals/withdrawal.ts), and the next look's spending and rule
// state are computed as if it had never been taken (previousLooks.ts reads live looks only).
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { lockLookHistory } from './reanalysis.ts';
import { withdrawLookSignals } from './signalStore.ts';
import type { WithdrawnSignal } from './signalStore.ts';

export class LookInputError extends Error {
  override name = 'LookInputError';
}

export type LookState = 'completed' | 'failed' | 'running' | 'voided';

export interface LookRecord {
  readonly runId: number;
  readonly cutoff: string;
  readonly planVersion: string;
  /** The look's number among the live looks when it was taken (0 for a failure before it got one). */
  readonly look: number;
  readonly state: LookState;
  readonly patients: number | null;
  readonly datasetHash: string | null;
  readonly alerts: number;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly error: string | null;
  readonly voidedAt: string | null;
  readonly voidReason: string | null;
  readonly voidedBy: string | null;
}

/** Every run (completed, failed, voided), oldest cutoff first. */
export async function listLooks(db: Kysely<Database>, options: { planVersion?: string } = {}): Promise<LookRecord[]> {
  let query = db.selectFrom('analysis_runs')
    .select(['id', 'cutoff', 'plan_version', 'look', 'status', 'patients', 'dataset_hash', 'started_at', 'finished_at', 'error', 'voided_at', 'void_reason', 'voided_by'])
    .select((eb) => eb.selectFrom('alerts').whereRef('alerts.run_id', '=', 'analysis_runs.id').select(eb.fn.countAll<string>().as('n')).as('alerts'))
    .orderBy('cutoff').orderBy('started_at');
  if (options.planVersion) query = query.where('plan_version', '=', options.planVersion);
  const rows = await query.execute();
  return rows.map((r) => ({
    runId: r.id, cutoff: r.cutoff, planVersion: r.plan_version, look: r.look,
    state: r.voided_at !== null ? 'voided' : r.status, patients: r.patients, datasetHash: r.dataset_hash, alerts: Number(r.alerts ?? 0),
    startedAt: r.started_at.toISOString(), finishedAt: r.finished_at?.toISOString() ?? null, error: r.error,
    voidedAt: r.voided_at?.toISOString() ?? null, voidReason: r.void_reason, voidedBy: r.voided_by,
  }));
}

export interface VoidOutcome {
  readonly runId: number;
  readonly cutoff: string;
  readonly look: number;
  readonly alertsVoided: number;
  readonly mailsCancelled: number;
  /** Signals the look opened (now withdrawn) or reopened/updated (back to their state before it). */
  readonly signalsWithdrawn: readonly WithdrawnSignal[];
  /** Live looks after the voided one: their stored boundaries already counted it (see docs/analysis.md). */
  readonly laterLooks: string[];
}

/**
 * Voids the live look of `cutoff` under `planVersion` (serialised with looks by the same lock), or, when
 * that cutoff only has failed attempts, those (which stops their automatic retry).
 */
export async function voidLook(db: Kysely<Database>, input: { cutoff: string; planVersion: string; reason: string; by: string }): Promise<VoidOutcome> {
  const reason = input.reason.trim();
  const by = input.by.trim();
  if (reason === '') throw new LookInputError('--reason must not be empty');
  if (by === '') throw new LookInputError('--by must not be empty');
  return db.transaction().execute(async (trx) => {
    await lockLookHistory(trx);
    const run = await trx.selectFrom('analysis_runs').select(['id', 'look'])
      .where('cutoff', '=', input.cutoff).where('plan_version', '=', input.planVersion)
      .where('status', '=', 'completed').where('voided_at', 'is', null).executeTakeFirst();
    const now = new Date();
    if (!run) {
      // A cutoff that only failed: voiding it stops its automatic retries (the failures stay on record).
      const failed = await trx.updateTable('analysis_runs').set({ voided_at: now, void_reason: reason, voided_by: by })
        .where('cutoff', '=', input.cutoff).where('plan_version', '=', input.planVersion).where('status', '=', 'failed')
        .where('voided_at', 'is', null).returning('id').execute();
      if (failed.length > 0) return { runId: failed[0].id, cutoff: input.cutoff, look: 0, alertsVoided: 0, mailsCancelled: 0, signalsWithdrawn: [], laterLooks: [] };
      const voided = await trx.selectFrom('analysis_runs').select('id').where('cutoff', '=', input.cutoff)
        .where('plan_version', '=', input.planVersion).where('voided_at', 'is not', null).executeTakeFirst();
      throw new LookInputError(voided
        ? `the look at ${input.cutoff} (plan ${input.planVersion}) is already voided`
        : `no completed look at ${input.cutoff} (plan ${input.planVersion}); see cohortwatch looks list`);
    }
    await trx.updateTable('analysis_runs').set({ voided_at: now, void_reason: reason, voided_by: by }).where('id', '=', run.id).execute();
    const alerts = await trx.updateTable('alerts').set({ voided_at: now }).where('run_id', '=', run.id).returning('id').execute();
    const mails = await trx.updateTable('mail_outbox')
      .set({ status: 'cancelled', cancelled_at: now, cancel_reason: `look ${input.cutoff} voided by ${by}: ${reason}`, next_attempt_at: null })
      .where((eb) => eb.or([eb('run_id', '=', run.id), ...(alerts.length > 0 ? [eb('alert_id', 'in', alerts.map((a) => a.id))] : [])]))
      .where('status', 'in', ['pending', 'failed'])
      .returning('id').execute();
    const signalsWithdrawn = await withdrawLookSignals(trx, { runId: run.id, cutoff: input.cutoff, by, reason });
    // Later live looks under any plan version (an amendment after this look changes the version).
    const later = await trx.selectFrom('analysis_runs').select('cutoff')
      .where('status', '=', 'completed').where('voided_at', 'is', null).where('cutoff', '>', input.cutoff).orderBy('cutoff').execute();
    return { runId: run.id, cutoff: input.cutoff, look: run.look, alertsVoided: alerts.length, mailsCancelled: mails.length, signalsWithdrawn, laterLooks: later.map((l) => l.cutoff) };
  });
}

/**
 * Cutoffs with a failed attempt and no live look since: what the automatic retry re-runs and what
 * `status` and the operators' notice list. A cutoff counts as taken when it has a live look under any
 * plan version: one plan judges each cutoff (the one in force at it, planAt), and a failure recorded
 * under an earlier version must not outlive the retry that succeeded under the amended one. The plan
 * version reported is the latest failure's.
 */
export async function failedLooks(db: Kysely<Database>): Promise<{ cutoff: string; planVersion: string; failures: number; lastFailedAt: Date; error: string | null }[]> {
  const rows = await db.selectFrom('analysis_runs as f')
    .select(['f.cutoff', (eb) => eb.fn.countAll<string>().as('failures'), (eb) => eb.fn.max('f.finished_at').as('last')])
    .where('f.status', '=', 'failed').where('f.voided_at', 'is', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('analysis_runs as c').select('c.id')
      .whereRef('c.cutoff', '=', 'f.cutoff').where('c.status', '=', 'completed').where('c.voided_at', 'is', null))))
    .groupBy('f.cutoff').orderBy('f.cutoff').execute();
  if (rows.length === 0) return [];
  const errors = await db.selectFrom('analysis_runs').select(['cutoff', 'plan_version', 'error', 'finished_at'])
    .where('status', '=', 'failed').where('voided_at', 'is', null).where('cutoff', 'in', rows.map((r) => r.cutoff))
    .orderBy('finished_at', 'desc').orderBy('id', 'desc').execute();
  return rows.flatMap((r) => {
    const last = errors.find((e) => e.cutoff === r.cutoff);
    // Never taken: every failed row has a finish time (recordFailedLook) and `errors` reads the same rows.
    if (last === undefined || r.last === null) return [];
    return [{ cutoff: r.cutoff, planVersion: last.plan_version, failures: Number(r.failures), lastFailedAt: r.last, error: last.error }];
  });
}
