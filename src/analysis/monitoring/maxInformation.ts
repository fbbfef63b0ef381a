import { qnorm } from '../../stats/distributions.ts';
import { inflationFactor } from '../../stats/sequential/index.ts';
import type { PrimaryDesign } from '../planDocument.ts';

/**
 * Schoenfeld (1983, Biometrika 70:499-503) required events for a two-sided test of the log hazard
 * ratio at level alpha with the stated power, when a fraction p of patients is in one arm:
 *   D = (z_{1-alpha/2} + z_{1-beta})^2 / (p (1 - p) (ln HR)^2).
 */
export function schoenfeldEvents(opts: { alpha: number; power: number; targetHr: number; allocation: number }): number {
  const { alpha, power, targetHr, allocation: p } = opts;
  const z = qnorm(1 - alpha / 2) + qnorm(power);
  return (z * z) / (p * (1 - p) * Math.log(targetHr) ** 2);
}

export const INFLATION_GRID = 24;
const inflationCache = new Map<string, number>();

/** The O'Brien-Fleming inflation factor (computed once per alpha, power and number of looks). */
function obfInflation(alpha: number, power: number, looks: number): number {
  const key = `${alpha}|${power}|${looks}`;
  let factor = inflationCache.get(key);
  if (factor === undefined) {
    // Grid density 24 gives the factor within 1e-6 of rpact's (test/analysis/monitoringBoundaries.test.ts)
    // at a fraction of the default grid's cost; it moves the ceiling of the maximum events by nothing.
    factor = inflationFactor({ alpha, power, looks, type: 'obf', gridSize: INFLATION_GRID });
    inflationCache.set(key, factor);
  }
  return factor;
}

/**
 * The maximum number of events of a primary estimand at this look, or null when the design has none
 * (calendar rule) or it cannot be computed yet (an arm is empty). For the Schoenfeld rule the PORT
 * allocation is the one observed at this look, and the fixed-sample events are inflated by the
 * factor of a Lan-DeMets O'Brien-Fleming design with `plannedLooks` equally spaced looks
 * (Jennison & Turnbull 2000, sec. 7.2), so the group-sequential test keeps the stated power.
 */
export function maxEvents(design: PrimaryDesign, alpha: number, allocation: number | null): number | null {
  const rule = design.maxInformation;
  if (rule.rule === 'events') return rule.maxEvents;
  if (rule.rule === 'calendar') return null;
  if (allocation === null || !(allocation > 0 && allocation < 1)) return null;
  const fixed = schoenfeldEvents({ alpha, power: design.power, targetHr: design.targetHr, allocation });
  return Math.ceil(fixed * obfInflation(alpha, design.power, rule.plannedLooks));
}

const DAY_MS = 86_400_000;
const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;

/** Elapsed fraction of the surveillance horizon at a cutoff (0 before it starts; > 1 past its end). */
export function calendarFraction(horizon: { from: string; to: string }, cutoff: string): number {
  return Math.max(0, (dayNumber(cutoff) - dayNumber(horizon.from)) / (dayNumber(horizon.to) - dayNumber(horizon.from)));
}

/**
 * The spending time of a look: the larger of the event fraction d / D and the calendar fraction of the
 * horizon, never below an earlier look's. Lan & DeMets (1983) only ask that the spending time be
 * non-decreasing, reach 1 at the final analysis and not depend on the observed effect; both fractions
 * qualify, and taking the larger makes the plan end, for a small registry at its horizon and for a large
 * one when it has the information the design asked for. Null when neither is defined.
 */
export function spendingTime(design: PrimaryDesign, events: number, max: number | null, cutoff: string, previous: number | null): number | null {
  const byEvents = max === null ? null : events / max;
  const byCalendar = design.horizon === null ? null : calendarFraction(design.horizon, cutoff);
  const candidates = [byEvents, byCalendar, previous].filter((x): x is number => x !== null);
  return candidates.length === 0 ? null : Math.max(...candidates);
}
