import type { LookEstimate, ValidityInputs } from '../alerts/index.ts';
import type { EndpointId, PopulationId } from '../plan.ts';

export const NO_VALIDITY: ValidityInputs = { phP: null, firth: false, maxAbsSmdWeighted: null, essFraction: null };

/** A stored-shape estimate as the alert rules see it (null when the fit gave no usable estimate). */
export function toLookEstimate(
  e: { population: PopulationId; endpoint: EndpointId; coef: number | null; se: number | null; z: number | null; lower: number | null; upper: number | null;
    events: number; eventsPort: number; eventsPtr: number; informationFraction: number | null; boundaryZ: number | null;
    repeatedLower: number | null; repeatedUpper: number | null; details: Readonly<Record<string, unknown>> },
  look: number, cutoff: string,
): LookEstimate | null {
  if (e.coef === null || e.se === null || e.z === null || e.lower === null || e.upper === null) return null;
  if (!Number.isFinite(e.coef) || !Number.isFinite(e.se)) return null;
  return {
    population: e.population, endpoint: e.endpoint, look, cutoff, coef: e.coef, se: e.se, z: e.z,
    events: e.events, eventsPort: e.eventsPort, eventsPtr: e.eventsPtr,
    informationFraction: e.informationFraction, boundaryZ: e.boundaryZ, repeatedLower: e.repeatedLower, repeatedUpper: e.repeatedUpper,
    naiveLower: e.lower, naiveUpper: e.upper,
    validity: (e.details.validity as ValidityInputs | undefined) ?? NO_VALIDITY,
  };
}
