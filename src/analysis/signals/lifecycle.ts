import type { AuditAction, PersonAction, SignalState } from './types.ts';

/** A person asked for a transition the signal's state does not allow (exit 2 in the CLI). */
export class SignalTransitionError extends Error {
  override name = 'SignalTransitionError';
}

const PERSON: Readonly<Record<PersonAction, { from: readonly SignalState[]; to: SignalState; audit: AuditAction }>> = {
  // Acknowledging says "I have read it and am assessing it" (GVP IX validation/assessment).
  ack: { from: ['open'], to: 'acknowledged', audit: 'acknowledged' },
  // Closing records the decision (a recommendation, or "no action"): from open or acknowledged.
  close: { from: ['open', 'acknowledged'], to: 'closed', audit: 'closed' },
  // A person reopens a closed signal (e.g. the decision is revisited); an open one is open already.
  reopen: { from: ['closed', 'acknowledged'], to: 'open', audit: 'reopened' },
};

/** The state after a person's action, or SignalTransitionError when the action is impossible from `state`. */
export function personTransition(id: number, state: SignalState, action: PersonAction): { state: SignalState; audit: AuditAction } {
  const rule = PERSON[action];
  if (!rule.from.includes(state)) {
    throw new SignalTransitionError(`signal ${id} is ${state}: cannot ${action === 'ack' ? 'acknowledge' : action} it (allowed from ${rule.from.join(' or ')})`);
  }
  return { state: rule.to, audit: rule.audit };
}

/**
 * New evidence at a later look: an open signal is updated in place (still awaiting acknowledgement);
 * an acknowledged or closed one is reopened, because the decision taken was about other evidence; a
 * withdrawn one (its look was voided) is reopened on the new evidence.
 */
export function evidenceTransition(state: SignalState): { state: SignalState; audit: AuditAction } {
  return state === 'open' ? { state: 'open', audit: 'updated' } : { state: 'open', audit: 'reopened' };
}
