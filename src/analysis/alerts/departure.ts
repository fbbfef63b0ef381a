import type { LookEstimate } from './types.ts';

/** The repeated CI (HR scale) excludes the published HR; false when there is no repeated CI. */
export function excludesPublished(estimate: LookEstimate, paperHr: number): boolean {
  const { repeatedLower: lo, repeatedUpper: hi } = estimate;
  if (lo === null || hi === null) return false;
  return paperHr < lo || paperHr > hi;
}
