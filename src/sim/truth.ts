import { SCENARIOS } from './scenario.ts';
import type { ScenarioName } from './scenario.ts';
import { HAZARDS } from './hazards.ts';
import type { PortEffect, Subgroup, TransitionHazards } from './model.ts';
import { ACCRUAL } from './accrual.ts';
import { REGISTRY } from './registryProcess.ts';
import type { ResolvedOptions } from './registry.ts';

/** What a simulation was generated from: the true PORT hazard ratios and every model parameter. */
export interface SimulationTruth {
  options: ResolvedOptions;
  scenario: { name: ScenarioName; description: string };
  /** True PORT hazard ratios per subgroup (transition-specific; see docs/simulator.md). */
  portHazardRatios: Readonly<Record<Subgroup, PortEffect>>;
  /** Hazard ratios that apply instead to patients whose PTR is before `until`. */
  earlyPortHazardRatios: { until: string; portHazardRatios: Readonly<Partial<Record<Subgroup, PortEffect>>> } | null;
  hazards: TransitionHazards;
  accrual: typeof ACCRUAL;
  registry: typeof REGISTRY;
}

export function simulationTruth(options: ResolvedOptions): SimulationTruth {
  const scenario = SCENARIOS[options.scenario];
  return {
    options,
    scenario: { name: scenario.name, description: scenario.description },
    portHazardRatios: scenario.portEffects,
    earlyPortHazardRatios: scenario.early ? { until: scenario.early.until, portHazardRatios: scenario.early.portEffects } : null,
    hazards: HAZARDS,
    accrual: ACCRUAL,
    registry: REGISTRY,
  };
}
