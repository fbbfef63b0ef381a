import type { LookEstimate, RuleState } from '../alerts/index.ts';
import type { EndpointId, PopulationId } from '../plan.ts';

/**
 * Where a primary estimand's sequential test stands after a look.
 * - accruing: gated (too few events overall or in an arm), or no estimate yet; spends no alpha;
 * - monitoring: each look spends alpha by the O'Brien-Fleming function of its spending time;
 * - futility: still monitoring, with non-binding guidance that conditional power under the current
 *   trend is below the plan's level;
 * - crossed: the boundary was crossed (side benefit or harm); later looks are descriptive;
 * - complete: the spending time reached 1 without a crossing: that look was the final analysis and
 *   spent all remaining alpha; later looks are descriptive.
 */
export type MonitoringState = 'accruing' | 'monitoring' | 'futility' | 'crossed' | 'complete';
export type CrossingSide = 'benefit' | 'harm';

export const TERMINAL_STATES: readonly MonitoringState[] = ['crossed', 'complete'];

/** One look of one primary estimand: what is stored (monitoring_looks), shown, and read back by the next look. */
export interface EstimandLook {
  readonly population: PopulationId;
  readonly endpoint: EndpointId;
  readonly cutoff: string;
  readonly look: number;
  readonly planVersion: string;
  /** Spending family (PrimaryEstimand.family): a changed estimand definition starts a new one. */
  readonly family: string;
  readonly state: MonitoringState;
  readonly side: CrossingSide | null;
  readonly events: number;
  /** The design's maximum events at this look; null under the calendar rule or before both arms have patients. */
  readonly maxEvents: number | null;
  /** Spending time: max(events / maxEvents, calendar fraction of the horizon), non-decreasing; may exceed 1 (over-run). */
  readonly informationFraction: number | null;
  /** Two-sided alpha this family may spend (the estimand's share minus what earlier families spent). */
  readonly alpha: number;
  /** Cumulative alpha this family has spent up to and including this look. */
  readonly alphaSpent: number;
  /** Two-sided critical |z| of this look; null when the look spends nothing. */
  readonly boundaryZ: number | null;
  /** HRs at which z would reach the boundary at this look's se: exp(-c se) (benefit) and exp(c se) (harm). */
  readonly boundaryHrLower: number | null;
  readonly boundaryHrUpper: number | null;
  readonly coef: number | null;
  readonly se: number | null;
  readonly hr: number | null;
  readonly z: number | null;
  readonly repeatedLower: number | null;
  readonly repeatedUpper: number | null;
  /** Conditional power at the final analysis under the current trend and under the design HR; null when not computed. */
  readonly conditionalPower: { readonly trend: number | null; readonly design: number | null };
  /** The plain sentence of a state change at this look (alerted), null when the state did not change. */
  readonly statement: string | null;
  /** Why this look spends nothing or has no estimate, when that is so. */
  readonly note: string | null;
}

/** What earlier looks left for one estimand (key population/endpoint). */
export interface EstimandHistory {
  /** Primary estimands: every look of every family, in look order (empty for other estimands). */
  readonly looks: readonly EstimandLook[];
  /** The monitoring PORT estimate at the latest earlier look that had one (drift, departure). */
  readonly previous: LookEstimate | null;
  readonly ruleState: RuleState;
}

export type MonitoringHistory = ReadonlyMap<string, EstimandHistory>;
