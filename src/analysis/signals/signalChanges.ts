import type { EndpointId, PopulationId } from '../plan.ts';
import { publishedPortHr } from '../published.ts';
import { estimandKey } from '../runResult.ts';
import type { EstimateRecord } from '../runResult.ts';
import type { EstimandLook } from '../monitoring/index.ts';
import { evidenceTransition } from './lifecycle.ts';
import { estimandHolds } from './holds.ts';
import { SIGNAL_RULES } from './types.ts';
import type { AuditAction, SignalEvidence, SignalRecord, SignalRule, SignalState } from './types.ts';

/** An alert of the look as stored (alerts table), with its decision's evidence. */
export interface LookAlert {
  readonly id: string;
  readonly population: PopulationId;
  readonly endpoint: EndpointId;
  readonly rule: string;
  readonly status: 'fired' | 'held';
  readonly summary: string;
}

export interface SignalLookInput {
  readonly look: number;
  readonly cutoff: string;
  readonly planVersion: string;
  readonly alerts: readonly LookAlert[];
  /** The look's estimates after monitoring (rule state, validity, sequential fields set). */
  readonly estimates: readonly EstimateRecord[];
  /** The look of every primary estimand (monitoring state, alpha). */
  readonly looks: readonly EstimandLook[];
  /** Every signal that exists before this look. */
  readonly signals: readonly SignalRecord[];
}

/** What a look does to one signal: open a new one, or give an existing one new evidence. */
export interface SignalChange {
  /** Null: a new signal. */
  readonly signalId: number | null;
  readonly population: PopulationId;
  readonly endpoint: EndpointId;
  readonly rule: SignalRule;
  /** State before (null for a new signal) and after. */
  readonly from: SignalState | null;
  readonly to: SignalState;
  readonly audit: AuditAction;
  readonly evidence: SignalEvidence;
  /** The audit comment: what changed. */
  readonly comment: string;
}

const isSignalRule = (rule: string): rule is SignalRule => (SIGNAL_RULES as readonly string[]).includes(rule);
const monitoringPort = (estimates: readonly EstimateRecord[], population: string, endpoint: string) =>
  estimates.find((e) => e.model === 'monitoring' && e.term === 'port' && e.population === population && e.endpoint === endpoint) ?? null;

/** The evidence of a look for one estimand (aggregates only). */
export function lookEvidence(input: Omit<SignalLookInput, 'alerts' | 'signals'>, population: PopulationId, endpoint: EndpointId, alert: { id: string; summary: string }): SignalEvidence {
  const e = monitoringPort(input.estimates, population, endpoint);
  const look = input.looks.find((l) => l.population === population && l.endpoint === endpoint) ?? null;
  const paper = publishedPortHr(population, endpoint)?.hr ?? null;
  const rl = e?.repeatedLower ?? null;
  const ru = e?.repeatedUpper ?? null;
  return {
    look: input.look, cutoff: input.cutoff, planVersion: input.planVersion, alertId: alert.id, summary: alert.summary,
    hr: e?.hr ?? null, lower: e?.lower ?? null, upper: e?.upper ?? null, repeatedLower: rl, repeatedUpper: ru,
    z: e?.z ?? null, boundaryZ: e?.boundaryZ ?? null, informationFraction: e?.informationFraction ?? null, alpha: look?.alpha ?? null,
    events: e?.events ?? null, eventsPort: e?.eventsPort ?? null, eventsNoPort: e?.eventsPtr ?? null,
    monitoringState: look?.state ?? null, paperHr: paper,
    excludesPaper: paper === null || rl === null || ru === null ? null : paper < rl || paper > ru,
    holds: e === null ? [] : estimandHolds(e),
  };
}

/**
 * What one look does to the signals: a pure function of the look's alerts and estimates and the
 * signals before it.
 * - A fired effect alert (boundary, departure, drift) or state change of an estimand opens its
 *   signal (one per estimand and rule), or, when that signal exists, is new evidence: an open signal
 *   is updated, an acknowledged or closed one is reopened.
 * - A departure signal whose repeated CI no longer excludes the published HR is new evidence too
 *   (the estimate moved back), which the departure rule itself does not alert.
 * - Held effect alerts and validity alerts never open a signal: a hold is shown with the estimand's
 *   signals (evidence.holds) and counted in the digest; a held crossing opens its signal at the first
 *   look that is not held.
 */
export function signalChanges(input: SignalLookInput): SignalChange[] {
  const existing = new Map(input.signals.map((s) => [`${estimandKey(s.population, s.endpoint)}|${s.rule}`, s]));
  const changes: SignalChange[] = [];
  const touched = new Set<string>();
  for (const alert of input.alerts) {
    if (alert.status !== 'fired' || !isSignalRule(alert.rule)) continue;
    const key = `${estimandKey(alert.population, alert.endpoint)}|${alert.rule}`;
    if (touched.has(key)) continue;
    touched.add(key);
    const evidence = lookEvidence(input, alert.population, alert.endpoint, alert);
    const before = existing.get(key);
    if (!before) {
      changes.push({ signalId: null, population: alert.population, endpoint: alert.endpoint, rule: alert.rule, from: null, to: 'open', audit: 'opened', evidence, comment: alert.summary });
      continue;
    }
    const next = evidenceTransition(before.state);
    changes.push({ signalId: before.id, population: alert.population, endpoint: alert.endpoint, rule: alert.rule, from: before.state, to: next.state, audit: next.audit, evidence, comment: `look ${input.look}: ${alert.summary}` });
  }
  for (const signal of input.signals) {
    const key = `${estimandKey(signal.population, signal.endpoint)}|${signal.rule}`;
    if (signal.rule !== 'departure' || touched.has(key) || signal.evidence.excludesPaper !== true) continue;
    const summary = 'the repeated CI includes the published HR again';
    const evidence = lookEvidence(input, signal.population, signal.endpoint, { id: signal.evidence.alertId, summary });
    if (evidence.excludesPaper !== false) continue;
    const next = evidenceTransition(signal.state);
    changes.push({
      signalId: signal.id, population: signal.population, endpoint: signal.endpoint, rule: signal.rule, from: signal.state, to: next.state, audit: next.audit, evidence,
      comment: `look ${input.look}: repeated CI ${evidence.repeatedLower?.toFixed(2) ?? 'n/a'}-${evidence.repeatedUpper?.toFixed(2) ?? 'n/a'} includes the published HR ${evidence.paperHr ?? 'n/a'} again`,
    });
  }
  return changes;
}

export interface AppliedChange extends SignalChange {
  readonly id: number;
}

/** A look's effect on the signals, as stored: what the digest reports. */
export interface LookSignals {
  /** Signals this look opened or gave new evidence. */
  readonly changes: readonly AppliedChange[];
  /** Open signals this look did not change, still awaiting acknowledgement; `reminder` when escalated now. */
  readonly awaiting: readonly (SignalRecord & { readonly reminder: boolean; readonly daysOpen: number })[];
}
