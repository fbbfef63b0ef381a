// What became of every event reported by a cutoff, counted for the report's flow and data-quality
// tables. Each stored event is classified from the patient's timeline as of the cutoff (the same
// derivation the analysis dataset comes from), so the counts describe exactly the data analysed:
// applied (it is counted in, or took effect on, the patient's timeline), retracted, or conflicting
// (dated before PTR, after death, an ineffective retraction, or no registration for the patient).
// Rejected events and payload conflicts never reach the log; they are added from their stored codes.
import type { RejectionCode } from '../../contract/index.ts';
import { deriveTimeline } from '../../timeline/index.ts';
import type { ConflictKind, StoredEvent } from '../../timeline/index.ts';
import { resolveRetractions } from '../../timeline/retractions.ts';
import type { ConflictReason, EventType, RejectionReason } from '../reportInput.ts';

export const EVENT_TYPES: readonly EventType[] = ['registration', 'lrr', 'dp', 'progression', 'death', 'last_contact', 'retraction'];

/** Totals to the cutoff and the part reported since the previous cutoff. */
export interface Tally {
  total: number;
  sincePrevious: number;
}

export interface TypeFlow {
  received: number;
  applied: number;
  rejected: number;
  conflicting: number;
  retracted: number;
}

export interface EventLedger {
  readonly patientsPrevious: number;
  readonly patientsCurrent: number;
  readonly newRegistrations: number;
  readonly removedPatients: number;
  /** Events reported in (previous cutoff, cutoff], by type, as they stand at the cutoff. */
  readonly byType: Readonly<Record<EventType, TypeFlow>>;
  readonly conflicts: ReadonlyMap<ConflictReason, Tally>;
  readonly rejections: ReadonlyMap<RejectionReason, Tally>;
}

/** One stored rejection: its code, the event type it claimed (if any) and when it was reported. */
export interface RejectionRecord {
  readonly code: RejectionCode | 'unclassified';
  readonly type: string | null;
  /** The event's own reportedAt, or when it was rejected when that was unreadable. */
  readonly reportedAt: Date;
}

const CONFLICT_REASON: Readonly<Record<ConflictKind, ConflictReason>> = {
  before_ptr: 'beforePtr', after_death: 'afterDeath', retracts_retraction: 'invalidRetraction', retraction_target_missing: 'invalidRetraction',
};

const isEventType = (type: string | null): type is EventType => type !== null && (EVENT_TYPES as readonly string[]).includes(type);

/**
 * Accumulates the ledger patient by patient (the shell streams the event log in pages), so memory
 * holds one page of events, not the registry.
 */
export class EventLedgerBuilder {
  private patientsPrevious = 0;
  private patientsCurrent = 0;
  private newRegistrations = 0;
  private removedPatients = 0;
  private readonly byType = new Map<EventType, TypeFlow>(EVENT_TYPES.map((t) => [t, { received: 0, applied: 0, rejected: 0, conflicting: 0, retracted: 0 }]));
  private readonly conflicts = new Map<ConflictReason, Tally>();
  private readonly rejections = new Map<RejectionReason, Tally>();

  constructor(private readonly cutoff: Date, private readonly previousCutoff: Date | null) {}

  private since(reportedAt: Date): boolean {
    return this.previousCutoff === null || reportedAt.getTime() > this.previousCutoff.getTime();
  }

  private tally(map: Map<string, Tally>, key: string, since: boolean): void {
    const entry = map.get(key) ?? { total: 0, sincePrevious: 0 };
    entry.total += 1;
    if (since) entry.sincePrevious += 1;
    map.set(key, entry);
  }

  /** One patient's stored events (any reported after the cutoff are ignored). */
  addPatient(events: readonly StoredEvent[]): void {
    const reported = events.filter((e) => e.reportedAt.getTime() <= this.cutoff.getTime());
    if (reported.length === 0) return;
    const now = deriveTimeline(reported, this.cutoff).timeline;
    const before = this.previousCutoff === null ? null : deriveTimeline(reported, this.previousCutoff).timeline;
    if (before !== null) this.patientsPrevious += 1;
    if (now !== null) this.patientsCurrent += 1;
    if (now !== null && before === null) this.newRegistrations += 1;
    if (now === null && before !== null) this.removedPatients += 1;
    const conflictOf = new Map((now?.conflicts ?? []).map((c) => [c.eventId, CONFLICT_REASON[c.kind]]));
    const { retracted } = resolveRetractions(reported);
    for (const event of reported) {
      const since = this.since(event.reportedAt);
      const reason: ConflictReason | null = now === null ? 'noRegistration' : conflictOf.get(event.eventId) ?? null;
      if (reason !== null) this.tally(this.conflicts, reason, since);
      if (!since) continue;
      const flow = this.byType.get(event.type);
      if (flow === undefined) continue;
      flow.received += 1;
      if (reason !== null) flow.conflicting += 1;
      else if (retracted.has(event.eventId)) flow.retracted += 1;
      else flow.applied += 1;
    }
  }

  /** A stored rejection: invalid events by code; a payload mismatch is a conflict. */
  addRejection(rejection: RejectionRecord): void {
    if (rejection.reportedAt.getTime() > this.cutoff.getTime()) return;
    const since = this.since(rejection.reportedAt);
    const mismatch = rejection.code === 'payloadMismatch';
    if (mismatch) this.tally(this.conflicts, 'payloadMismatch', since);
    else this.tally(this.rejections, rejection.code, since);
    if (!since || !isEventType(rejection.type)) return;
    const flow = this.byType.get(rejection.type);
    if (flow === undefined) return;
    flow.received += 1;
    if (mismatch) flow.conflicting += 1;
    else flow.rejected += 1;
  }

  build(): EventLedger {
    return {
      patientsPrevious: this.patientsPrevious, patientsCurrent: this.patientsCurrent,
      newRegistrations: this.newRegistrations, removedPatients: this.removedPatients,
      byType: Object.fromEntries(this.byType) as Record<EventType, TypeFlow>, conflicts: this.conflicts, rejections: this.rejections,
    };
  }
}
