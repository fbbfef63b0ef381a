import type { EndpointId, PopulationId } from '../plan.ts';

/** The monitoring model's PORT estimate of one estimand at one look, as stored. log-HR scale for coef/se. */
export interface LookEstimate {
  readonly population: PopulationId;
  readonly endpoint: EndpointId;
  readonly look: number;
  readonly cutoff: string;
  readonly coef: number;
  readonly se: number;
  readonly z: number;
  readonly events: number;
  readonly eventsPort: number;
  readonly eventsPtr: number;
  /** Primary estimands only: events / planned events, capped at 1. */
  readonly informationFraction: number | null;
  /** Primary estimands only: two-sided critical |z| of this look under the spending function. */
  readonly boundaryZ: number | null;
  readonly repeatedLower: number | null;
  readonly repeatedUpper: number | null;
  readonly naiveLower: number;
  readonly naiveUpper: number;
  readonly validity: ValidityInputs;
}

export interface ValidityInputs {
  /** Schoenfeld-residual (cox.zph, KM transform) p of the PORT term; null when not computed. */
  readonly phP: number | null;
  /** The monitoring estimate is the Firth-penalised refit (a cell without events, monotone likelihood). */
  readonly firth: boolean;
  /** Largest |standardised mean difference| of the covariates after IPT weighting; null if not computed. */
  readonly maxAbsSmdWeighted: number | null;
  /** Kish effective sample size of the weighted population divided by n; null if not computed. */
  readonly essFraction: number | null;
  /** Checks that were due but could not be computed (PH test, propensity model), with the reason: they hold effect alerts. */
  readonly notComputed?: readonly string[];
}

export type ValidityIssue = 'non-proportional-hazards' | 'firth-fallback' | 'iptw-imbalance' | 'low-effective-sample-size' | 'validity-not-computed';
/** 'state': a primary estimand's monitoring state changed (src/analysis/monitoring). */
export type AlertRule = 'boundary' | 'departure' | 'drift' | 'validity' | 'state';
export type EffectRule = 'boundary' | 'departure' | 'drift';

/** What the previous looks left behind for one estimand, so that only state changes alert. */
export interface RuleState {
  /** A boundary alert has fired (first crossing happened and was not held). */
  readonly boundaryAlerted: boolean;
  /** At the last look where the departure rule was evaluated (not gated, not held), the repeated CI excluded the paper HR. */
  readonly excludedPaper: boolean;
  /** Validity issues present at the previous look. */
  readonly validityIssues: readonly ValidityIssue[];
}

export const INITIAL_RULE_STATE: RuleState = { boundaryAlerted: false, excludedPaper: false, validityIssues: [] };

export interface AlertDecision {
  readonly rule: AlertRule;
  /** 'fired' is mailed; 'held' is stored with its reason (a validity problem holds effect alerts). */
  readonly status: 'fired' | 'held';
  readonly summary: string;
  readonly evidence: Readonly<Record<string, number | string | boolean | null | readonly string[]>>;
}
