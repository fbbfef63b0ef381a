import { createRng, STREAM } from './prng.ts';
import type { Rng } from './prng.ts';
import { bernoulli, integerBetween } from './variates.ts';
import { REGISTRY } from './registryProcess.ts';
import { lagDays, reportOn } from './reportingClock.ts';
import { isoDateOf } from './days.ts';
import type { SimPatient } from './patient.ts';
import type { SimEvent } from './simEvent.ts';

/**
 * One patient's events in report order, produced lazily: her few clinical events are precomputed, her
 * visits (the bulk: up to ~100 over 26 years) are made one at a time. Visit lags are capped below the
 * visit spacing, so visits come out already in report order and a two-way merge suffices.
 */
export class PatientStream {
  // Visits and redeliveries draw from separate streams, so a patient's visit dates do not depend on
  // how many of her other events were delivered (and an earlier administrative end gives a prefix).
  private readonly visits: Rng;
  private readonly redeliveries: Rng;
  // Only what delivery needs is kept (not the truth record): a stream lives as long as its patient is
  // followed, so its size is what bounds memory.
  private readonly patientId: string;
  private readonly centre: string;
  private readonly ptrDay: number;
  private readonly visitsBefore: number;
  private readonly adminEndDay: number;
  private scheduled: SimPatient['scheduled'];
  readonly index: number;
  private clinicalIndex = 0;
  private visitNumber = 0;
  private nextVisit: { at: number; event: SimEvent } | null = null;
  private repeat: SimEvent | null = null;
  /** Report instant of the next event, or Infinity when done. */
  nextAt = Infinity;

  constructor(seed: number, patient: SimPatient) {
    this.visits = createRng(seed, STREAM.visits, patient.index);
    this.redeliveries = createRng(seed, STREAM.redelivery, patient.index);
    this.index = patient.index;
    this.patientId = patient.truth.patientId;
    this.centre = patient.truth.centre;
    this.ptrDay = patient.ptrDay;
    this.visitsBefore = patient.visitsBefore;
    this.adminEndDay = patient.adminEndDay;
    this.scheduled = patient.scheduled;
    this.advanceVisit();
    this.refresh();
  }

  /** The next event; call only while nextAt is finite. */
  take(): SimEvent {
    if (this.repeat) {
      const event = this.repeat;
      this.repeat = null;
      this.refresh();
      return event;
    }
    const clinical = this.scheduled[this.clinicalIndex];
    let event: SimEvent;
    if (clinical && (!this.nextVisit || clinical.at <= this.nextVisit.at)) {
      event = clinical.event;
      this.clinicalIndex++;
      if (this.clinicalIndex === this.scheduled.length) {
        this.scheduled = [];
        this.clinicalIndex = 0;
      }
    } else if (this.nextVisit) {
      event = this.nextVisit.event;
      this.advanceVisit();
    } else {
      throw new Error('PatientStream.take() called after the last event');
    }
    // At-least-once delivery: the identical event again, at the same report instant.
    if (bernoulli(this.redeliveries, REGISTRY.quirks.duplicate)) this.repeat = event;
    this.refresh();
    return event;
  }

  private refresh(): void {
    if (this.repeat) return; // same instant as the event just taken
    const clinical = this.scheduled[this.clinicalIndex];
    this.nextAt = Math.min(clinical ? clinical.at : Infinity, this.nextVisit ? this.nextVisit.at : Infinity);
  }

  private advanceVisit(): void {
    const { ptrDay, visitsBefore, adminEndDay } = this;
    this.visitNumber++;
    const jitter = REGISTRY.visitJitterDays;
    const day = ptrDay + Math.round(this.visitNumber * REGISTRY.visitEveryDays) + integerBetween(this.visits, -jitter, jitter);
    const reported = reportOn(this.visits, day + lagDays(this.visits, REGISTRY.lag.visit));
    if (day >= visitsBefore || day > adminEndDay || reported.day > adminEndDay) {
      this.nextVisit = null;
      return;
    }
    this.nextVisit = {
      at: reported.ms,
      event: {
        eventId: `${this.patientId}-v${this.visitNumber}`, patientId: this.patientId, occurredOn: isoDateOf(day),
        reportedAt: reported.text, centre: this.centre, type: 'last_contact',
      },
    };
  }
}
