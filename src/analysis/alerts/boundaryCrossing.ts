import type { LookEstimate } from './types.ts';

/** |z| has reached the look's spending boundary (equivalently, the repeated CI excludes HR 1). */
export function crossesBoundary(estimate: LookEstimate): boolean {
  return estimate.boundaryZ !== null && Number.isFinite(estimate.z) && Math.abs(estimate.z) >= estimate.boundaryZ;
}
