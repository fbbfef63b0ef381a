import { createRng, STREAM, uniformAt } from './prng.ts';
import { integerBetween } from './variates.ts';
import { REGISTRY } from './registryProcess.ts';
import { lagDays, reportOn } from './reportingClock.ts';
import { isoDateOf } from './days.ts';
import { centreOf, patientIdOf, simulatePatient } from './patient.ts';
import type { PatientContext, SimPatient } from './patient.ts';
import type { SimEvent } from './simEvent.ts';

/**
 * One patient's events in report order, produced lazily and kept small, because a stream lives as long
 * as its patient is followed (years) and there is one per patient under follow-up:
 * - her few clinical events are not kept: the patient is regenerated from her seed (deterministic) when
 *   the next one is due, and only the next one's report instant is stored;
 * - each visit draws from its own generator keyed by (seed, patient, visit number), so no generator
 *   state is kept; visit lags are capped below the visit spacing, so visits come out in report order;
 * - a redelivery is decided by a counter-based draw keyed by (seed, patient, event).
 */
export class PatientStream {
  readonly index: number;
  private readonly ptrDay: number;
  private readonly visitsBefore: number;
  private clinicalTaken = 0;
  private nextClinicalAt: number;
  private visitNumber = 0;
  private nextVisitDay = 0;
  private nextVisitAt = Infinity;
  private repeat: SimEvent | null = null;
  /** Report instant of the next event, or Infinity when done. */
  nextAt = Infinity;

  constructor(private readonly context: PatientContext, patient: SimPatient) {
    this.index = patient.index;
    this.ptrDay = patient.ptrDay;
    this.visitsBefore = patient.visitsBefore;
    this.nextClinicalAt = patient.scheduled.length > 0 ? patient.scheduled[0].at : Infinity;
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
    let event: SimEvent;
    let ordinal: number;
    if (this.nextClinicalAt <= this.nextVisitAt && Number.isFinite(this.nextClinicalAt)) {
      const scheduled = simulatePatient(this.context, this.index, this.ptrDay).scheduled;
      event = scheduled[this.clinicalTaken].event;
      ordinal = this.clinicalTaken;
      this.clinicalTaken++;
      this.nextClinicalAt = this.clinicalTaken < scheduled.length ? scheduled[this.clinicalTaken].at : Infinity;
    } else if (Number.isFinite(this.nextVisitAt)) {
      event = this.visitEvent();
      ordinal = 1000 + this.visitNumber;
      this.advanceVisit();
    } else {
      throw new Error('PatientStream.take() called after the last event');
    }
    // At-least-once delivery: the identical event again, at the same report instant.
    if (uniformAt(this.context.seed, STREAM.redelivery, this.index, ordinal) < REGISTRY.quirks.duplicate) this.repeat = event;
    this.refresh();
    return event;
  }

  private refresh(): void {
    if (this.repeat) return; // same instant as the event just taken
    this.nextAt = Math.min(this.nextClinicalAt, this.nextVisitAt);
  }

  /** Visit k: scheduled every 3 months from PTR, jittered, reported after a short lag. */
  private drawVisit(k: number): { day: number; at: number; text: string } {
    const rng = createRng(this.context.seed, STREAM.visit, this.index, k);
    const jitter = REGISTRY.visitJitterDays;
    const day = this.ptrDay + Math.round(k * REGISTRY.visitEveryDays) + integerBetween(rng, -jitter, jitter);
    const reported = reportOn(rng, day + lagDays(rng, REGISTRY.lag.visit));
    return { day, at: reported.ms, text: reported.text };
  }

  private advanceVisit(): void {
    this.visitNumber++;
    const { day, at } = this.drawVisit(this.visitNumber);
    const end = this.context.adminEndDay;
    const reportedDay = Math.floor(at / 86_400_000 + REGISTRY.offsetMinutes / 1440);
    if (day >= this.visitsBefore || day > end || reportedDay > end) {
      this.nextVisitAt = Infinity;
      return;
    }
    this.nextVisitDay = day;
    this.nextVisitAt = at;
  }

  private visitEvent(): SimEvent {
    const patientId = patientIdOf(this.index);
    const { text } = this.drawVisit(this.visitNumber);
    return {
      eventId: `${patientId}-v${this.visitNumber}`, patientId, occurredOn: isoDateOf(this.nextVisitDay),
      reportedAt: text, centre: centreOf(this.context.seed, this.index), type: 'last_contact',
    };
  }
}

