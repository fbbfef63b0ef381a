// The calibrated synthetic registry (docs/simulator.md): pure, seeded, deterministic.
export { simulateEvents, resolveOptions, DEFAULT_ADMIN_END, MIN_PATIENTS, MAX_PATIENTS } from './registry.ts';
export type { SimulationOptions, ResolvedOptions } from './registry.ts';
export { simulationTruth } from './truth.ts';
export type { SimulationTruth } from './truth.ts';
export type { PatientTruth } from './patient.ts';
export { SCENARIOS, SCENARIO_NAMES, isScenarioName } from './scenario.ts';
export type { Scenario, ScenarioName } from './scenario.ts';
export type { PortEffect, Subgroup } from './model.ts';
export type { SimEvent, SimEventType, SimBaseline } from './simEvent.ts';
