import type { EndpointId, PopulationId } from '../plan.ts';
import type { SequentialStep } from './estimandStep.ts';
import type { CrossingSide, MonitoringState } from './types.ts';

const POPULATION: Readonly<Record<PopulationId, string>> = { all: 'all patients', group1: 'group 1', group2: 'group 2', group3: 'group 3' };

export const estimandName = (population: PopulationId, endpoint: EndpointId) => `${POPULATION[population]} ${endpoint.toUpperCase()}`;

const f2 = (x: number | null) => (x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(2));
const f4 = (x: number) => x.toPrecision(2);

export interface StatementInput {
  readonly population: PopulationId;
  readonly endpoint: EndpointId;
  readonly planVersion: string;
  readonly step: SequentialStep;
  readonly state: MonitoringState;
  readonly side: CrossingSide | null;
  readonly events: number;
  readonly hr: number | null;
  readonly z: number | null;
  readonly trend: number | null;
  readonly futilityBelow: number;
  readonly heldCrossing: boolean;
}

/** The plain sentence of a state change (what the alert says), or null when the state did not change. */
export function stateStatement(input: StatementInput): string | null {
  const { step, state } = input;
  const name = `monitoring of ${estimandName(input.population, input.endpoint)}`;
  const at = `${input.events} events, information ${f2(step.informationFraction)}`;
  const estimate = `HR ${f2(input.hr)}, z = ${f2(input.z)}`;
  const restart = step.newFamily
    ? `${name} restarts as a new spending family under plan ${input.planVersion} (the estimand's definition changed): alpha left ${f4(step.alpha)} after ${f4(step.priorAlphaSpent)} spent earlier. `
    : '';
  if (state === step.previousState && !step.newFamily) return null;
  switch (state) {
    case 'crossed':
      return `${restart}${name} crossed its boundary for ${input.side === 'harm' ? 'harm' : 'benefit'} of PORT: ${estimate}, boundary ±${f2(step.boundaryZ)} at ${at}; later looks are descriptive.`;
    case 'complete':
      return `${restart}${name} is complete: no effect detected at the planned information (${estimate}${step.boundaryZ === null ? '' : `, final boundary ±${f2(step.boundaryZ)}`}, ${at}${input.heldCrossing ? '; |z| reached the final boundary but a validity problem held the alert' : ''}); later looks are descriptive.`;
    case 'futility':
      return `${restart}${name}: conditional power under the current trend is ${f2(input.trend)} (below ${input.futilityBelow}) at ${at}; futility guidance, non-binding: monitoring continues.`;
    case 'monitoring':
      return step.previousState === 'futility'
        ? `${restart}${name}: conditional power under the current trend is back to ${f2(input.trend)}; futility guidance withdrawn, monitoring continues (${at}).`
        : `${restart}${name} has started: ${at}, ${estimate}${step.boundaryZ === null ? ', no alpha spent yet' : `, boundary ±${f2(step.boundaryZ)}`}.`;
    case 'accruing':
      return `${restart}${name} is accruing: ${step.note ?? 'too few events'}.`;
  }
}
