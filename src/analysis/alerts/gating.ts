import type { AlertThresholds } from '../plan.ts';
import type { LookEstimate } from './types.ts';

/**
 * No effect alert before the subgroup has enough events overall and in each arm: early hazard
 * ratios on a handful of events swing wildly and their normal approximation is poor.
 * Returns the reason it is gated, or null when alerts may be evaluated.
 */
export function gatingReason(estimate: LookEstimate, t: AlertThresholds): string | null {
  if (estimate.events < t.minEventsPopulation) return `${estimate.events} events < ${t.minEventsPopulation}`;
  const fewest = Math.min(estimate.eventsPort, estimate.eventsPtr);
  if (fewest < t.minEventsPerArm) return `an arm has ${fewest} events < ${t.minEventsPerArm}`;
  return null;
}
