import type { EndpointId, PopulationId } from '../plan.ts';

/**
 * `withdrawn`: the look that opened the signal was voided (`cohortwatch looks void`), so the evidence
 * it stood on is no longer part of the monitoring; a later look with new evidence opens it again.
 */
export type SignalState = 'open' | 'acknowledged' | 'closed' | 'withdrawn';
export const SIGNAL_STATES: readonly SignalState[] = ['open', 'acknowledged', 'closed', 'withdrawn'];

/** The alerts that open a signal: effect alerts of a primary estimand and its monitoring state changes. */
export type SignalRule = 'boundary' | 'departure' | 'drift' | 'state';
export const SIGNAL_RULES: readonly SignalRule[] = ['boundary', 'departure', 'drift', 'state'];

/** What a person does to a signal (`cohortwatch signals ack|close|reopen`). */
export type PersonAction = 'ack' | 'close' | 'reopen';
/**
 * Every action of the audit trail: a person's, the look's (opened, updated, reopened by evidence,
 * reminded), or a void's (withdrawn: what a voided look did to the signal is undone, by whoever voided it).
 */
export type AuditAction = 'opened' | 'updated' | 'acknowledged' | 'closed' | 'reopened' | 'reminded' | 'withdrawn';
export const AUDIT_ACTIONS: readonly AuditAction[] = ['opened', 'updated', 'acknowledged', 'closed', 'reopened', 'reminded', 'withdrawn'];

/**
 * What a look found for a signal, in the words of the mail and the dashboard. Numbers are the
 * monitoring model's PORT estimate at that look (null when the look had none); aggregates only.
 */
export interface SignalEvidence {
  readonly look: number;
  readonly cutoff: string;
  readonly planVersion: string;
  /** The alert this evidence came from (alerts.id). */
  readonly alertId: string;
  /** The rule's own one-line summary (technical). */
  readonly summary: string;
  readonly hr: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly repeatedLower: number | null;
  readonly repeatedUpper: number | null;
  readonly z: number | null;
  readonly boundaryZ: number | null;
  readonly informationFraction: number | null;
  /** Two-sided alpha of the estimand's spending family: the repeated CI's simultaneous level is 1 - alpha. */
  readonly alpha: number | null;
  readonly events: number | null;
  readonly eventsPort: number | null;
  /**
   * Events in the PTR alone arm (`ptr` everywhere else in the code). The key keeps its first name
   * because it is part of the public signal JSON (CLI, HTTP API) and of stored evidence.
   */
  readonly eventsNoPort: number | null;
  /** The monitoring state after the look (primary estimands). */
  readonly monitoringState: string | null;
  /** Departure: the published HR the repeated CI is compared with. */
  readonly paperHr: number | null;
  /** Departure: the repeated CI excludes the published HR at this look. */
  readonly excludesPaper: boolean | null;
  /** Validity problems of the estimand at this look (they hold its effect alerts), with reasons. */
  readonly holds: readonly string[];
}

export interface SignalRecord {
  readonly id: number;
  readonly population: PopulationId;
  readonly endpoint: EndpointId;
  readonly rule: SignalRule;
  readonly state: SignalState;
  readonly openedAtCutoff: string;
  readonly lastCutoff: string;
  readonly evidence: SignalEvidence;
}

export interface SignalHistoryEntry {
  readonly at: string;
  readonly by: string;
  readonly action: AuditAction;
  readonly comment: string;
}

/** The JSON of a signal (CLI, HTTP dashboard). */
export interface SignalView extends SignalRecord {
  readonly history: readonly SignalHistoryEntry[];
}
