export { personTransition, evidenceTransition, SignalTransitionError } from './lifecycle.ts';
export { signalChanges, lookEvidence } from './signalChanges.ts';
export type { AppliedChange, LookAlert, LookSignals, SignalChange, SignalLookInput } from './signalChanges.ts';
export { estimandHolds } from './holds.ts';
export { signalWords, findingSentence, estimandTitle } from './sentence.ts';
export type { SignalWords } from './sentence.ts';
export { reminderDue } from './reminders.ts';
export { SIGNAL_RULES, SIGNAL_STATES } from './types.ts';
export type { AuditAction, PersonAction, SignalEvidence, SignalHistoryEntry, SignalRecord, SignalRule, SignalState, SignalView } from './types.ts';
