import { createRng, STREAM, uniformAt } from './prng.ts';
import type { Rng } from './prng.ts';
import { bernoulli, categorical, integerBetween, pick } from './variates.ts';
import { drawBaseline } from './baseline.ts';
import { drawTrajectory } from './trajectory.ts';
import { HAZARDS } from './hazards.ts';
import { portEffectFor } from './scenario.ts';
import type { Scenario } from './scenario.ts';
import type { PortEffect, Subgroup } from './model.ts';
import { DAYS_PER_YEAR, isoDateOf, yearOf } from './days.ts';
import { REGISTRY } from './registryProcess.ts';
import { lagDays, reportOn } from './reportingClock.ts';
import type { LagModel } from './reportingClock.ts';
import type { DeathCause, DpSite, LrrSite, SimBaseline, SimEvent } from './simEvent.ts';

/** What really happened to one simulated patient (latent dates may lie beyond the administrative end). */
export interface PatientTruth {
  patientId: string;
  centre: string;
  subgroup: Subgroup;
  port: boolean;
  /** PORT hazard ratios applied to this patient (1 when she had no PORT is implied by `port`). */
  portEffect: PortEffect;
  ptrDate: string;
  lrrDate: string | null;
  dpDate: string | null;
  deathDate: string;
  lostToFollowUpOn: string | null;
  /** Observation ends at the first of death, loss to follow-up and the administrative end. */
  observedUntil: string;
}

/** A clinical (non-visit) event with the instant it was reported, for ordering. */
export interface Scheduled {
  at: number;
  event: SimEvent;
}

/** A patient ready for delivery: her truth, her few clinical events, and her visit plan. */
export interface SimPatient {
  index: number;
  truth: PatientTruth;
  /** Clinical events sorted by report instant (registrations, lrr, dp, death, quirks). */
  scheduled: Scheduled[];
  ptrDay: number;
  /** Visits happen strictly before this day (death, loss to follow-up, or the day after the end). */
  visitsBefore: number;
  adminEndDay: number;
}

export interface PatientContext {
  seed: number;
  scenario: Scenario;
  adminEndDay: number;
}

const CENTRES = REGISTRY.centreWeights.map((_, i) => `C${String(i + 1).padStart(2, '0')}`);
const CENTRE_TOTAL = REGISTRY.centreWeights.reduce((sum, w) => sum + w, 0);

/** A patient's centre, a pure function of (seed, patient), so delivery can look it up without state. */
export function centreOf(seed: number, index: number): string {
  let u = uniformAt(seed, STREAM.centre, index) * CENTRE_TOTAL;
  for (let i = 0; i < CENTRES.length; i++) {
    u -= REGISTRY.centreWeights[i];
    if (u < 0) return CENTRES[i];
  }
  return CENTRES[CENTRES.length - 1];
}

export function patientIdOf(index: number): string {
  return `P${String(index + 1).padStart(7, '0')}`;
}

function daysAfter(originDay: number, years: number, atLeast: number): number {
  return Math.max(originDay + atLeast, originDay + Math.round(years * DAYS_PER_YEAR));
}

export function simulatePatient(context: PatientContext, index: number, ptrDay: number): SimPatient {
  const rng = createRng(context.seed, STREAM.patient, index);
  const patientId = patientIdOf(index);
  const { subgroup, recorded, indicators } = drawBaseline(rng, yearOf(ptrDay));
  const portEffect = portEffectFor(context.scenario, subgroup, ptrDay);
  const trajectory = drawTrajectory(rng, HAZARDS, indicators, recorded.port, portEffect);
  const ltfuYears = -Math.log(rng.uniform()) / REGISTRY.lossToFollowUpPerYear;
  const centre = centreOf(context.seed, index);

  // Days, keeping the order of the history: a later failure is at least a day after an earlier one,
  // except LRR and DP together (same date by construction).
  const dpDay = trajectory.dp === null ? null : daysAfter(ptrDay, trajectory.dp, 61);
  let lrrDay = trajectory.lrr === null ? null : daysAfter(ptrDay, trajectory.lrr, 61);
  if (lrrDay !== null && dpDay !== null && trajectory.firstFailure === 'dp') lrrDay = Math.max(lrrDay, dpDay + 1);
  const lastFailure = Math.max(dpDay ?? ptrDay, lrrDay ?? ptrDay);
  const deathDay = Math.max(daysAfter(ptrDay, trajectory.death, 1), lastFailure + (lastFailure > ptrDay ? 1 : 0));
  const ltfuDay = ptrDay + Math.max(1, Math.round(ltfuYears * DAYS_PER_YEAR));
  const lostToFollowUp = ltfuDay < deathDay && ltfuDay <= context.adminEndDay;
  const observedUntil = Math.min(deathDay, lostToFollowUp ? ltfuDay : Infinity, context.adminEndDay);

  const portDay = recorded.port ? portStartDay(rng, recorded, ptrDay, Math.min(dpDay ?? Infinity, lrrDay ?? Infinity, deathDay)) : null;
  if (portDay !== null) recorded.portStartedOn = isoDateOf(portDay);

  const truth: PatientTruth = {
    patientId, centre, subgroup, port: recorded.port, portEffect, ptrDate: isoDateOf(ptrDay),
    lrrDate: lrrDay === null ? null : isoDateOf(lrrDay), dpDate: dpDay === null ? null : isoDateOf(dpDay),
    deathDate: isoDateOf(deathDay), lostToFollowUpOn: lostToFollowUp ? isoDateOf(ltfuDay) : null,
    observedUntil: isoDateOf(observedUntil),
  };

  // Every random draw is made whatever the administrative end, so the registry as of an earlier end is
  // exactly a prefix of the registry as of a later one (same patients, same dates, same reports).
  const builder = new ScheduleBuilder(rng, patientId, centre, context.adminEndDay);
  // The registration is filed once primary treatment is complete: it carries the PORT start date.
  builder.registrations(recorded, ptrDay, portDay ?? ptrDay);
  const observed = (day: number | null): boolean => day !== null && day <= observedUntil;
  if (lrrDay !== null) builder.lrr(lrrDay, recorded.port, observed(lrrDay));
  if (dpDay !== null) builder.dp(dpDay, observed(dpDay));
  const died = deathDay <= observedUntil;
  builder.death(deathDay, trajectory.firstFailure !== 'death', died);
  const followedUntil = Math.min(deathDay, lostToFollowUp ? ltfuDay : Infinity);
  builder.retractedError(ptrDay, followedUntil, recorded.port);
  builder.contactAfterDeath(deathDay, died);

  return {
    index, truth, scheduled: builder.sorted(), ptrDay,
    visitsBefore: Math.min(followedUntil, context.adminEndDay + 1), adminEndDay: context.adminEndDay,
  };
}

function portStartDay(rng: Rng, baseline: SimBaseline, ptrDay: number, firstFailureDay: number): number {
  const chemoFirst = baseline.chemotherapy === 'postop' || baseline.chemotherapy === 'both';
  const [from, to] = chemoFirst ? REGISTRY.portStartDays.afterChemotherapy : REGISTRY.portStartDays.direct;
  const planned = ptrDay + integerBetween(rng, from, to);
  // Radiotherapy is given before the first failure (the paper excludes progression within 2 months).
  return Math.min(planned, Math.max(ptrDay + 21, firstFailureDay - 14));
}

/** Accumulates a patient's clinical events with their reporting instants. */
class ScheduleBuilder {
  private readonly items: { at: number; seq: number; event: SimEvent }[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly patientId: string,
    private readonly centre: string,
    private readonly adminEndDay: number,
  ) {}

  /**
   * Draws the report of an event and keeps the event if `include` and it is reported by the
   * administrative end. Returns the report day either way (the draws never depend on the end).
   */
  private add(occurredDay: number, lag: LagModel | number, make: (reportedAt: string) => SimEvent, include = true): number {
    const delay = typeof lag === 'number' ? lag : lagDays(this.rng, lag);
    const reported = reportOn(this.rng, occurredDay + delay);
    if (include && occurredDay <= this.adminEndDay && reported.day <= this.adminEndDay) {
      this.items.push({ at: reported.ms, seq: this.items.length, event: make(reported.text) });
    }
    return reported.day;
  }

  private common(suffix: string, day: number, reportedAt: string) {
    return { eventId: `${this.patientId}-${suffix}`, patientId: this.patientId, occurredOn: isoDateOf(day), reportedAt, centre: this.centre };
  }

  registrations(baseline: SimBaseline, ptrDay: number, treatedDay: number): void {
    const q = REGISTRY.quirks;
    const lag = treatedDay - ptrDay + lagDays(this.rng, REGISTRY.lag.registration);
    if (!bernoulli(this.rng, q.correction)) {
      this.add(ptrDay, lag, (r) => ({ ...this.common('reg', ptrDay, r), type: 'registration', baseline }));
      return;
    }
    const wrong = miscoded(this.rng, baseline);
    const firstDay = this.add(ptrDay, lag, (r) => ({ ...this.common('reg', ptrDay, r), type: 'registration', baseline: wrong }));
    const delay = firstDay - ptrDay + integerBetween(this.rng, q.correctionDelayDays[0], q.correctionDelayDays[1]);
    this.add(ptrDay, delay, (r) => ({ ...this.common('reg-c1', ptrDay, r), type: 'registration', baseline }));
  }

  lrr(day: number, port: boolean, observed: boolean): void {
    const sites = lrrSites(this.rng);
    const inField = port ? bernoulli(this.rng, REGISTRY.inFieldAmongPort) : null;
    this.add(day, REGISTRY.lag.clinical, (r) => ({ ...this.common('lrr', day, r), type: 'lrr', sites, inField }), observed);
  }

  dp(day: number, observed: boolean): void {
    const sites = dpSites(this.rng);
    const dpReported = this.add(day, REGISTRY.lag.clinical, (r) => ({ ...this.common('dp', day, r), type: 'dp', sites }), observed);
    const first = bernoulli(this.rng, REGISTRY.quirks.progressionBeforeDp);
    const earlier = integerBetween(this.rng, 0, dpReported - day);
    this.add(day, earlier, (r) => ({ ...this.common('prog', day, r), type: 'progression' }), observed && first);
  }

  death(day: number, afterProgression: boolean, observed: boolean): void {
    const causes = REGISTRY.deathCause[afterProgression ? 'afterProgression' : 'withoutProgression'];
    const cause: DeathCause = pick(this.rng, causes);
    this.add(day, REGISTRY.lag.clinical, (r) => ({ ...this.common('death', day, r), type: 'death', cause }), observed);
  }

  /** An lrr, dp or last_contact entered in error (while the patient is followed), then retracted. */
  retractedError(ptrDay: number, followedUntil: number, port: boolean): void {
    const q = REGISTRY.quirks;
    const happens = bernoulli(this.rng, q.retraction);
    const from = ptrDay + 61;
    const to = followedUntil - 1;
    const kind = categorical(this.rng, [0.3, 0.4, 0.3]);
    const day = integerBetween(this.rng, from, Math.max(from, to));
    const retractAfter = integerBetween(this.rng, q.retractionDelayDays[0], q.retractionDelayDays[1]);
    const include = happens && from <= to;
    const suffix = 'err1';
    const reportedDay = this.add(day, REGISTRY.lag.clinical, (r) => {
      const base = this.common(suffix, day, r);
      if (kind === 0) return { ...base, type: 'lrr', sites: ['axilla'], inField: port ? true : null };
      if (kind === 1) return { ...base, type: 'dp', sites: ['other'] };
      return { ...base, type: 'last_contact' };
    }, include);
    const retractionDay = reportedDay + retractAfter;
    this.add(retractionDay, 0, (r) => ({
      ...this.common('err1-retraction', retractionDay, r), type: 'retraction',
      retracts: `${this.patientId}-${suffix}`, reason: 'entered in error',
    }), include);
  }

  /** Rarely, a last_contact dated after death (a clerical error the pipeline must list as a conflict). */
  contactAfterDeath(deathDay: number, died: boolean): void {
    const happens = bernoulli(this.rng, REGISTRY.quirks.contactAfterDeath);
    const day = deathDay + integerBetween(this.rng, 1, 30);
    this.add(day, REGISTRY.lag.visit, (r) => ({ ...this.common('v-late', day, r), type: 'last_contact' }), died && happens);
  }

  sorted(): Scheduled[] {
    return this.items.sort((a, b) => a.at - b.at || a.seq - b.seq).map(({ at, event }) => ({ at, event }));
  }
}

/** A copy of the baseline with one field miscoded (the kind of error a later registration corrects). */
function miscoded(rng: Rng, baseline: SimBaseline): SimBaseline {
  const wrong = { ...baseline };
  switch (integerBetween(rng, 0, 3)) {
    case 0:
      wrong.ageAtPtr = baseline.ageAtPtr === null ? 50 : Math.min(110, Math.max(18, baseline.ageAtPtr + integerBetween(rng, 1, 9)));
      break;
    case 1:
      wrong.tCategory = baseline.tCategory === null ? 'T2' : ({ T1: 'T2', T2: 'T3', T3: 'T2', T4: 'T3' } as const)[baseline.tCategory];
      break;
    case 2:
      wrong.nCategory = baseline.nCategory === null ? 'N1' : ({ N0: 'N1', N1: 'N2', N2: 'N1', N3: 'N2' } as const)[baseline.nCategory];
      break;
    default:
      wrong.metastasisCount = null;
  }
  return wrong;
}

function lrrSites(rng: Rng): LrrSite[] {
  const s = REGISTRY.lrrSites;
  const nodal = (): LrrSite[] => {
    const sites: LrrSite[] = [bernoulli(rng, s.axilla) ? 'axilla' : 'supraclavicular'];
    if (bernoulli(rng, s.internalMammary)) sites.push('internal_mammary');
    return sites;
  };
  if (bernoulli(rng, s.breastChestWall)) {
    return bernoulli(rng, s.nodalWithBreast) ? ['breast_chest_wall', ...nodal()] : ['breast_chest_wall'];
  }
  return nodal();
}

function dpSites(rng: Rng): DpSite[] {
  const first = pick(rng, REGISTRY.dpSites);
  if (!bernoulli(rng, 0.3)) return [first];
  const second = pick(rng, REGISTRY.dpSites);
  return second === first ? [first] : [first, second];
}
