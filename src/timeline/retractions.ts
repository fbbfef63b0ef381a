// Which events are retracted as of the cutoff. A retraction takes effect at its own reportedAt, so
// among events reported by the cutoff it applies regardless of order (even if reported before its
// target). A retraction cannot itself be retracted: re-reporting under a new eventId is how a
// retracted event comes back, which keeps the rule free of chains and cycles (R1 retracts R2 retracts R1).
import type { RetractionEvent, StoredEvent } from '../contract/index.ts';
import type { DataQualityConflict } from './types.ts';

type StoredRetraction = Extract<StoredEvent, { type: 'retraction' }>;

export interface RetractionOutcome {
  /** eventIds of the events no longer counted. */
  readonly retracted: ReadonlySet<string>;
  /** Retractions that took effect. */
  readonly effective: readonly StoredRetraction[];
  readonly conflicts: readonly DataQualityConflict[];
}

function conflict(retraction: Pick<RetractionEvent, 'eventId' | 'occurredOn'>, kind: DataQualityConflict['kind'], reason: string): DataQualityConflict {
  return { eventId: retraction.eventId, type: 'retraction', occurredOn: retraction.occurredOn, kind, reason };
}

/** `reported`: the patient's events reported by the cutoff (and only those: a later target is not known yet). */
export function resolveRetractions(reported: readonly StoredEvent[]): RetractionOutcome {
  const retracted = new Set<string>();
  const effective: StoredRetraction[] = [];
  const conflicts: DataQualityConflict[] = [];
  // Most patients have no retraction: no index of their events is needed then.
  if (!reported.some((event) => event.type === 'retraction')) return { retracted, effective, conflicts };
  const byId = new Map(reported.map((event) => [event.eventId, event]));
  for (const event of reported) {
    if (event.type !== 'retraction') continue;
    const target = byId.get(event.retracts);
    if (target === undefined) {
      conflicts.push(conflict(event, 'retraction_target_missing',
        `retraction of ${event.retracts}, which is not among this patient's events reported by the cutoff`));
    } else if (target.type === 'retraction') {
      conflicts.push(conflict(event, 'retracts_retraction',
        `retraction of ${event.retracts}, which is itself a retraction; report the event again under a new eventId instead`));
    } else {
      retracted.add(target.eventId);
      effective.push(event);
    }
  }
  return { retracted, effective, conflicts };
}
