import { alphaSpent, boundaryAfterHistory } from '../../stats/sequential/index.ts';
import type { RecordedLook } from '../../stats/sequential/index.ts';
import type { FutilityGuidance, PrimaryEstimand } from '../plan.ts';
import { conditionalPower } from './conditionalPower.ts';
import { maxEvents, spendingTime } from './maxInformation.ts';
import { TERMINAL_STATES } from './types.ts';
import type { CrossingSide, EstimandLook, MonitoringState } from './types.ts';

// O'Brien-Fleming spending releases almost nothing early: with alpha 0.05/6 it has spent < 1e-12 up
// to t ~ 0.1, a boundary beyond |z| = 7 that no estimate reaches. Such a look spends nothing (no
// boundary) and is left out of later looks' recursion, which it would move by less than the
// integration's own error.
export const MIN_SPEND = 1e-12;

/** The current estimate of the estimand at this look, as the monitoring step needs it. */
export interface StepEstimate {
  readonly coef: number;
  readonly se: number;
  readonly z: number;
}

export interface SequentialInput {
  readonly estimand: PrimaryEstimand;
  readonly cutoff: string;
  readonly events: number;
  /** Observed PORT allocation in the analysed population (Schoenfeld rule), null when undefined. */
  readonly allocation: number | null;
  /** Null when there is no usable estimate at this look. */
  readonly estimate: StepEstimate | null;
  /** Why effect alerts are gated at this look (too few events), null when they are not. */
  readonly gatedBecause: string | null;
  /** Every earlier look of this estimand, all families, in order. */
  readonly earlier: readonly EstimandLook[];
}

/** The alpha-spending part of a look: computed before the alert rules, which compare z with the boundary. */
export interface SequentialStep {
  readonly family: string;
  readonly alpha: number;
  readonly maxEvents: number | null;
  readonly informationFraction: number | null;
  readonly alphaSpent: number;
  readonly boundaryZ: number | null;
  /** The look is descriptive: this family has already crossed or completed. */
  readonly descriptive: boolean;
  readonly previousState: MonitoringState;
  readonly previousSide: CrossingSide | null;
  /** This look starts a new family after an amendment changed the estimand's definition. */
  readonly newFamily: boolean;
  readonly priorAlphaSpent: number;
  readonly note: string | null;
}

function familySpent(looks: readonly EstimandLook[]): number {
  return looks.reduce((m, l) => Math.max(m, l.alphaSpent), 0);
}

/** Alpha spent by earlier families of this estimand (each family's cumulative spend, summed). */
function priorFamiliesSpent(earlier: readonly EstimandLook[], family: string): number {
  const byFamily = new Map<string, EstimandLook[]>();
  for (const l of earlier) if (l.family !== family) byFamily.set(l.family, [...(byFamily.get(l.family) ?? []), l]);
  let sum = 0;
  for (const looks of byFamily.values()) sum += familySpent(looks);
  return sum;
}

/**
 * How much alpha this look spends and its boundary (Lan & DeMets 1983). The target cumulative spend is
 * the O'Brien-Fleming function of the spending time (all of the family's alpha once the time reaches 1,
 * the final analysis); the look spends target − already spent, never less than zero, so alpha spent
 * under an earlier version of the plan stays spent. The boundary keeps every earlier boundary as
 * recorded (boundaryAfterHistory) with correlations from the events.
 */
export function sequentialStep(input: SequentialInput): SequentialStep {
  const { estimand, earlier } = input;
  const family = earlier.filter((l) => l.family === estimand.family);
  const last = family.at(-1);
  const priorAlphaSpent = priorFamiliesSpent(earlier, estimand.family);
  const alpha = Math.max(0, estimand.alpha - priorAlphaSpent);
  const previousState = last?.state ?? 'accruing';
  const previousSide = last?.side ?? null;
  const spentSoFar = familySpent(family);
  const max = maxEvents(estimand.design, estimand.alpha, input.allocation);
  const t = spendingTime(estimand.design, input.events, max, input.cutoff, last?.informationFraction ?? null);
  const base = {
    family: estimand.family, alpha, maxEvents: max, informationFraction: t, alphaSpent: spentSoFar, boundaryZ: null,
    previousState, previousSide, newFamily: family.length === 0 && earlier.length > 0, priorAlphaSpent,
  };
  if (TERMINAL_STATES.includes(previousState)) return { ...base, descriptive: true, note: `descriptive look: monitoring ${previousState === 'crossed' ? 'crossed its boundary' : 'completed'} at look ${family.find((l) => l.state === previousState)?.look ?? '?'}` };
  const none = (note: string): SequentialStep => ({ ...base, descriptive: false, note });
  if (t === null || !(t > 0)) return none('no information yet');
  if (input.estimate === null) return none('no estimate at this look');
  const final = t >= 1;
  if (input.gatedBecause !== null && !final) return none(`accruing: ${input.gatedBecause}`);
  const spending = family.filter((l) => l.boundaryZ !== null);
  const lastSpendingEvents = spending.at(-1)?.events ?? 0;
  if (!(input.events > lastSpendingEvents)) return none('no new events since the last look that spent alpha');
  const target = final ? alpha : alphaSpent('obf', t, alpha, 2);
  const increment = target - spentSoFar;
  if (!(increment >= MIN_SPEND)) return none(final ? 'no alpha left to spend' : 'spends nothing at this information (below 1e-12)');
  const history: RecordedLook[] = spending.map((l) => ({ information: l.events, critical: l.boundaryZ ?? Infinity }));
  const boundary = boundaryAfterHistory(history, input.events, increment);
  return { ...base, descriptive: false, alphaSpent: spentSoFar + boundary.spent, boundaryZ: boundary.critical, note: null };
}

export interface ConditionalPowerInput {
  readonly estimand: PrimaryEstimand;
  readonly step: SequentialStep;
  readonly events: number;
  readonly estimate: StepEstimate;
  readonly earlier: readonly EstimandLook[];
}

/**
 * Conditional power at the final analysis under the current trend (drift z/sqrt(t)) and under the design
 * HR (drift |ln HR| sqrt(I_max), I_max = 1/(se^2 t)), with the final critical value the one a final look
 * at the projected maximum information would have after this look's spending. Null at or past t = 1.
 */
export function conditionalPowers(input: ConditionalPowerInput): { trend: number | null; design: number | null } {
  const { step, estimate, estimand } = input;
  const t = step.informationFraction;
  const left = step.alpha - step.alphaSpent;
  if (t === null || !(t > 0 && t < 1) || !(left >= MIN_SPEND) || !(estimate.se > 0)) return { trend: null, design: null };
  const spending = input.earlier.filter((l) => l.family === step.family && l.boundaryZ !== null)
    .map((l) => ({ information: l.events, critical: l.boundaryZ ?? Infinity }));
  if (step.boundaryZ !== null) spending.push({ information: input.events, critical: step.boundaryZ });
  const finalInformation = input.events / t;
  if (!(finalInformation > (spending.at(-1)?.information ?? 0))) return { trend: null, design: null };
  const finalCritical = boundaryAfterHistory(spending, finalInformation, left).critical;
  const trendZ = Math.abs(estimate.z);
  const benefitZ = estimand.design.targetHr < 1 ? -estimate.z : estimate.z;
  const designDrift = Math.abs(Math.log(estimand.design.targetHr)) / (estimate.se * Math.sqrt(t));
  return {
    trend: conditionalPower({ z: trendZ, t, drift: trendZ / Math.sqrt(t), finalCritical }),
    design: conditionalPower({ z: benefitZ, t, drift: designDrift, finalCritical }),
  };
}

export interface StateInput {
  readonly step: SequentialStep;
  readonly crossed: boolean;
  readonly heldCrossing: boolean;
  readonly gated: boolean;
  readonly z: number | null;
  readonly trend: number | null;
  readonly futility: FutilityGuidance;
}

/** The state after this look (see MonitoringState) and the crossing side. */
export function nextState(input: StateInput): { state: MonitoringState; side: CrossingSide | null } {
  const { step } = input;
  if (step.descriptive) return { state: step.previousState, side: step.previousSide };
  if (input.crossed && input.z !== null) return { state: 'crossed', side: input.z < 0 ? 'benefit' : 'harm' };
  const t = step.informationFraction;
  const finalDone = t !== null && t >= 1 && (step.boundaryZ !== null || step.note === 'no alpha left to spend');
  if (finalDone) return { state: 'complete', side: null };
  if (step.boundaryZ === null && (input.gated || input.z === null) && step.previousState === 'accruing') return { state: 'accruing', side: null };
  if (input.trend !== null && t !== null && t >= input.futility.fromInformation && input.trend < input.futility.conditionalPowerBelow) return { state: 'futility', side: null };
  if (input.z === null) return { state: step.previousState, side: null };
  return { state: 'monitoring', side: null };
}

