import targets from './data/kim2022-targets.json' with { type: 'json' };
import type { EndpointId, PopulationId } from './plan.ts';

export interface PublishedHr {
  readonly hr: number;
  readonly lower: number;
  readonly upper: number;
}

interface TargetHr { population: string; endpoint: string; term: string; hr: number; lower: number; upper: number }

/** The paper's PORT HR for an estimand (Kim et al. 2022), or null when it published none. */
export function publishedPortHr(population: PopulationId, endpoint: EndpointId): PublishedHr | null {
  const found = (targets.hazardRatios as TargetHr[]).find((t) => t.population === population && t.endpoint === endpoint && t.term === 'port');
  return found ? { hr: found.hr, lower: found.lower, upper: found.upper } : null;
}
