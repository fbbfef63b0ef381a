import type { EndpointId, PopulationId } from './plan.ts';

/** Which model an estimate comes from. Only 'monitoring' estimates of PORT are watched by alerts. */
export type ModelKind = 'monitoring' | 'iptw' | 'firth' | 'univariate' | 'multivariate';

/** One stored estimate (a row of analysis_estimates). coef/se on the log-HR scale. */
export interface EstimateRecord {
  readonly population: PopulationId;
  readonly endpoint: EndpointId;
  readonly model: ModelKind;
  readonly term: string;
  readonly primary: boolean;
  readonly n: number;
  readonly events: number;
  readonly eventsPort: number;
  readonly eventsPtr: number;
  readonly coef: number | null;
  readonly se: number | null;
  readonly hr: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly z: number | null;
  readonly p: number | null;
  readonly informationFraction: number | null;
  readonly boundaryZ: number | null;
  readonly repeatedLower: number | null;
  readonly repeatedUpper: number | null;
  /** Model-specific extras: PH test, E-value, IPTW balance, Firth flag, warnings. JSON-safe. */
  readonly details: Readonly<Record<string, unknown>>;
}

/** A step curve by arm, in days, thinned to what a report draws. */
export interface CurveRecord {
  readonly population: PopulationId;
  readonly endpoint: EndpointId;
  readonly arm: 'ptr' | 'port';
  readonly kind: 'survival' | 'incidence';
  readonly n: number;
  readonly events: number;
  readonly time: number[];
  readonly estimate: number[];
  /** Pointwise 95% CI; null where it is undefined (R: NA, e.g. a log CI at an estimate of 0). */
  readonly lower: (number | null)[];
  readonly upper: (number | null)[];
  readonly nRisk: number[];
  /** Value at each plan landmark (years), with CI; null when the curve does not reach it. */
  readonly landmarks: { years: number; estimate: number | null; lower: number | null; upper: number | null }[];
}

/**
 * The test printed with a curve comparison of PORT vs PTR alone: the log-rank test (R's survdiff) for
 * the survival endpoints, Gray's test (cmprsk's cuminc) of the endpoint's cause for the competing
 * ones. When it could not be computed, `statistic`, `df` and `p` are null and `notComputed` says why.
 */
export interface CurveTestRecord {
  readonly population: PopulationId;
  readonly endpoint: EndpointId;
  readonly test: 'logRank' | 'gray';
  readonly statistic: number | null;
  readonly df: number | null;
  readonly p: number | null;
  readonly notComputed: string | null;
}

export interface FollowUpRecord {
  readonly population: PopulationId;
  readonly n: number;
  readonly medianDays: number | null;
  readonly lowerDays: number | null;
  readonly upperDays: number | null;
  /** Reverse-KM quartiles of follow-up (null when the reverse KM does not reach them). */
  readonly q1Days: number | null;
  readonly q3Days: number | null;
}


export interface PlanRunResult {
  readonly planVersion: string;
  readonly patients: number;
  readonly patientsByGroup: Readonly<Record<string, number>>;
  readonly estimates: EstimateRecord[];
  readonly curves: CurveRecord[];
  readonly curveTests: CurveTestRecord[];
  readonly followUp: FollowUpRecord[];
  /** Wall-clock milliseconds per stage of the run. */
  readonly timingsMs: Record<string, number>;
}

export const estimandKey = (population: string, endpoint: string) => `${population}/${endpoint}`;
