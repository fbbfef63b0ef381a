import { groupSequentialDesign, type Look } from './boundaries.ts';
import type { Sides, SpendingType } from './spending.ts';

export interface MonitoringSpec {
  /** Information fractions of the looks already taken, in order (may be empty). */
  previousRates: readonly number[];
  /** Information fraction of the look being taken now (> the last previous one). */
  currentRate: number;
  alpha: number;
  sides: Sides;
  type: SpendingType;
  gridSize?: number;
}

/**
 * The boundary for the look being taken now, given the information fractions actually observed so far.
 * With an alpha-spending function the earlier boundaries depend only on earlier fractions, so the
 * history is replayed rather than stored; the current look spends α(t_now) − α(t_last).
 */
export function currentBoundary(spec: MonitoringSpec): Look {
  const design = groupSequentialDesign({
    informationRates: [...spec.previousRates, spec.currentRate],
    alpha: spec.alpha,
    sides: spec.sides,
    type: spec.type,
    gridSize: spec.gridSize,
  });
  return design.looks[design.looks.length - 1];
}
