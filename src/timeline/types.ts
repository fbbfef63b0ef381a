// The derived state of one patient as of a cutoff: what the database stores and the export reads.
import type { Baseline, EventType } from '../contract/index.ts';

/** The baseline with `portStartedOn` made explicit (an omitted one is null). */
export type PatientBaseline = Omit<Baseline, 'portStartedOn'> & { readonly portStartedOn: string | null };

/** 1 = the endpoint's event, 2 = competing death (LRR, DP only), 0 = censored at the last known date. */
export type EndpointStatus = 0 | 1 | 2;

export interface Endpoint<S extends EndpointStatus = EndpointStatus> {
  /** Whole days from PTR to `date`. */
  readonly days: number;
  readonly status: S;
  /** The event date (status 1 or 2) or the last known date (status 0), `YYYY-MM-DD`. */
  readonly date: string;
}

export type ConflictKind = 'before_ptr' | 'after_death' | 'retracts_retraction' | 'retraction_target_missing';

/** An event reported by the cutoff that is not applied to the timeline, with why. */
export interface DataQualityConflict {
  readonly eventId: string;
  readonly type: EventType;
  readonly occurredOn: string;
  readonly kind: ConflictKind;
  readonly reason: string;
}

/** A registration replaced by a later one (a correction); kept as history. */
export interface SupersededRegistration {
  readonly eventId: string;
  readonly reportedAt: Date;
  readonly ptrDate: string;
  readonly baseline: PatientBaseline;
}

/**
 * What happened to each of the patient's events as of the cutoff. Every event is in exactly one of
 * these; `counted` are the ones the endpoints are computed from (current registration included),
 * `ignored` is the sum of the others.
 */
export interface EventCounts {
  readonly total: number;
  readonly counted: number;
  readonly ignored: number;
  readonly notYetReported: number;
  readonly retracted: number;
  readonly retractions: number;
  readonly superseded: number;
  readonly conflicts: number;
}

export interface Timeline {
  readonly patientId: string;
  readonly cutoff: Date;
  readonly registrationEventId: string;
  /** The current registration's centre, null when it names none. */
  readonly centre: string | null;
  readonly baseline: PatientBaseline;
  /** Replaced registrations, oldest first. */
  readonly history: readonly SupersededRegistration[];
  readonly ptrDate: string;
  readonly deathDate: string | null;
  readonly lastKnownDate: string;
  readonly os: Endpoint<0 | 1>;
  readonly pfs: Endpoint<0 | 1>;
  readonly lrr: Endpoint;
  readonly dp: Endpoint;
  /** Ordered by occurredOn, then eventId. */
  readonly conflicts: readonly DataQualityConflict[];
  readonly counts: EventCounts;
}

export const NO_REGISTRATION = 'no registration as of cutoff';

export type TimelineResult =
  | { readonly timeline: Timeline; readonly reason: null }
  | { readonly timeline: null; readonly reason: typeof NO_REGISTRATION };
