import { monitorSeries } from '../../analysis/monitoring/index.ts';
import type { CrossingSide, MonitoringState } from '../../analysis/monitoring/index.ts';
import type { AnalysisPlan, EndpointId, PopulationId } from '../../analysis/plan.ts';
import { parseCutoff } from '../../timeline/index.ts';
import { simulateEvents } from '../registry.ts';
import type { ScenarioName } from '../scenario.ts';
import { datasetReplay, storeEvents } from './analysisDataset.ts';

export interface RegistrySpec {
  readonly scenario: ScenarioName;
  readonly seed: number;
  readonly patients: number;
  /** Look cutoffs, in order (scheduleCutoffs). */
  readonly cutoffs: readonly string[];
}

/** A fired boundary crossing of a primary estimand: what an investigator receives. */
export interface Crossing {
  readonly population: PopulationId;
  readonly endpoint: EndpointId;
  /** 1-based look number and its cutoff. */
  readonly look: number;
  readonly cutoff: string;
  readonly side: CrossingSide;
  readonly hr: number | null;
  readonly z: number | null;
  readonly boundaryZ: number | null;
  readonly informationFraction: number | null;
}

export interface RegistryOutcome {
  readonly scenario: ScenarioName;
  readonly seed: number;
  readonly patients: number;
  readonly looks: number;
  /** Every fired boundary crossing, in look order (at most one per estimand: a crossed estimand is descriptive after). */
  readonly crossings: readonly Crossing[];
  /** Each primary estimand's state after the last look. */
  readonly finalStates: readonly { population: PopulationId; endpoint: EndpointId; state: MonitoringState }[];
  /** Other fired effect alerts (they are not alpha-controlled): repeated CI leaving the paper's HR, drift. */
  readonly departures: number;
  readonly drifts: number;
}

/**
 * One simulated registry monitored look after look by the production monitoring function (monitorSeries:
 * runPlan restricted to what the alert rules read, then monitorLook, exactly the reanalysis job's fold),
 * on the analysis dataset the service's own pure path derives from the events as of each cutoff.
 * Conditional power is off: no alert rule reads it.
 */
export function monitorRegistry(plan: AnalysisPlan, spec: RegistrySpec): RegistryOutcome {
  const asOf = datasetReplay(storeEvents(simulateEvents({ seed: spec.seed, patients: spec.patients, scenario: spec.scenario })));
  // Looks are taken in order (the replay derives only what changed since the previous cutoff).
  const looks = spec.cutoffs.map((cutoff) => ({ cutoff, get rows() { return asOf(parseCutoff(cutoff)); } }));
  const crossings: Crossing[] = [];
  let departures = 0;
  let drifts = 0;
  let last: { population: PopulationId; endpoint: EndpointId; state: MonitoringState }[] = [];
  let number = 0;
  for (const result of monitorSeries(plan, looks, { conditionalPower: false })) {
    number++;
    for (const { population, endpoint, decision } of result.decisions) {
      if (decision.status !== 'fired') continue;
      if (decision.rule === 'departure') departures++;
      if (decision.rule === 'drift') drifts++;
      if (decision.rule !== 'boundary') continue;
      const look = result.looks.find((l) => l.population === population && l.endpoint === endpoint);
      crossings.push({
        population, endpoint, look: number, cutoff: spec.cutoffs[number - 1], side: look?.side ?? ((look?.z ?? 0) < 0 ? 'benefit' : 'harm'),
        hr: look?.hr ?? null, z: look?.z ?? null, boundaryZ: look?.boundaryZ ?? null, informationFraction: look?.informationFraction ?? null,
      });
    }
    last = result.looks.map((l) => ({ population: l.population, endpoint: l.endpoint, state: l.state }));
  }
  return { scenario: spec.scenario, seed: spec.seed, patients: spec.patients, looks: number, crossings, finalStates: last, departures, drifts };
}
