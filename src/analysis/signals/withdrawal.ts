// Voiding a look withdraws what that look did to the signals (issue 10). The voided look's evidence
// is no longer part of the monitoring, so:
// - a signal it opened goes to `withdrawn` (kept, with its history: the audit trail is never erased);
// - a signal it reopened goes back to the state it had before that reopening (acknowledged or closed);
// - a signal it updated (open, new evidence) keeps its state and gets its earlier evidence back;
// - a signal a later live look has acted on since stands on that later evidence and is left alone.
// Person actions taken after the voided look do not survive the withdrawal of the evidence they
// answered: the state is the one before the voided look's action.
import type { AuditAction, SignalEvidence, SignalState } from './types.ts';

/** One row of a signal's audit trail, as stored (oldest first). */
export interface StoredSignalEvent {
  readonly action: AuditAction;
  readonly runId: number | null;
  readonly cutoff: string | null;
  /** The state after the action; null on rows written before it was recorded (then it is replayed). */
  readonly state: SignalState | null;
  /** The evidence a look brought; null for a person's action and on earlier rows. */
  readonly evidence: SignalEvidence | null;
}

export interface Withdrawal {
  readonly state: SignalState;
  /** The evidence and cutoff to restore, or null to keep the signal's current ones. */
  readonly restore: { readonly evidence: SignalEvidence; readonly cutoff: string } | null;
  readonly comment: string;
}

const LOOK_ACTIONS: readonly AuditAction[] = ['opened', 'updated', 'reopened'];

/** The state after an action, where the row did not record it (rows before withdrawals existed). */
function replayed(before: SignalState | null, action: AuditAction): SignalState | null {
  switch (action) {
    case 'opened':
    case 'updated':
    case 'reopened':
      return 'open';
    case 'acknowledged':
      return 'acknowledged';
    case 'closed':
      return 'closed';
    case 'withdrawn':
      return 'withdrawn';
    case 'reminded':
      return before;
  }
}

/** The signal's state after the first `n` rows of its trail (null before the first). */
export function stateAfter(events: readonly StoredSignalEvent[], n: number): SignalState | null {
  let state: SignalState | null = null;
  for (const e of events.slice(0, n)) state = e.state ?? replayed(state, e.action);
  return state;
}

export interface VoidedLook {
  readonly runId: number;
  readonly cutoff: string;
  readonly by: string;
  readonly reason: string;
  /** Every voided run, this one included: their evidence is neither restored nor counted as later. */
  readonly voidedRuns: ReadonlySet<number>;
}

/**
 * What withdrawing the look of `voided.runId` does to one signal, given its trail (oldest first), or
 * null when that look did not open, reopen or update it, or when a later live look has acted on it since.
 */
export function withdrawal(events: readonly StoredSignalEvent[], voided: VoidedLook): Withdrawal | null {
  const live = (e: StoredSignalEvent) => e.runId !== null && !voided.voidedRuns.has(e.runId) && e.runId !== voided.runId;
  const at = events.findIndex((e) => e.runId === voided.runId && LOOK_ACTIONS.includes(e.action));
  if (at < 0) return null;
  if (events.slice(at + 1).some((e) => live(e) && LOOK_ACTIONS.includes(e.action))) return null;
  const why = `look at ${voided.cutoff} voided by ${voided.by}: ${voided.reason}`;
  const action = events[at].action;
  if (action === 'opened') return { state: 'withdrawn', restore: null, comment: `${why}; the signal it opened is withdrawn` };
  const earlier = events.slice(0, at).filter((e) => live(e) && e.evidence !== null && e.cutoff !== null).at(-1);
  const restore = earlier === undefined || earlier.evidence === null || earlier.cutoff === null ? null : { evidence: earlier.evidence, cutoff: earlier.cutoff };
  const evidenceWords = restore === null ? 'no earlier live look\'s evidence is on record, so the voided look\'s stays shown' : `the evidence of the look at ${restore.cutoff} is restored`;
  // Reopened: back to the state before (acknowledged or closed); updated: it was open, and is again.
  const state: SignalState = stateAfter(events, at) ?? 'open';
  const what = action === 'reopened' ? `its reopening is withdrawn, back to ${state}` : 'its new evidence is withdrawn';
  return { state, restore, comment: `${why}; ${what}; ${evidenceWords}` };
}
