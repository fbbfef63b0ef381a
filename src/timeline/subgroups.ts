// The study's subgroups, from the baseline (contract, "Subgroups"; Kim et al. 2022).
import type { Baseline } from '../contract/index.ts';

export type Subgroup = 'group1' | 'group2' | 'group3' | 'unclassified';
export const SUBGROUPS: readonly Subgroup[] = ['group1', 'group2', 'group3', 'unclassified'];

type ReceptorStatus = Pick<Baseline, 'er' | 'pr' | 'her2'>;

/**
 * Triple-negative: ER, PR and HER2 all false → true; any of them true → false (one positive receptor
 * decides it even if the others are unknown); otherwise (no true, some null) → null.
 */
export function tnbcOf(baseline: ReceptorStatus): boolean | null {
  const receptors = [baseline.er, baseline.pr, baseline.her2];
  if (receptors.some((r) => r === true)) return false;
  if (receptors.every((r) => r === false)) return true;
  return null;
}

/** group 1: T1/T2 non-TNBC; group 2: T3/T4 non-TNBC; group 3: TNBC (any T); else unclassified. */
export function groupOf(baseline: ReceptorStatus & Pick<Baseline, 'tCategory'>): Subgroup {
  const tnbc = tnbcOf(baseline);
  if (tnbc === true) return 'group3';
  if (tnbc === false && (baseline.tCategory === 'T1' || baseline.tCategory === 'T2')) return 'group1';
  if (tnbc === false && (baseline.tCategory === 'T3' || baseline.tCategory === 'T4')) return 'group2';
  return 'unclassified';
}
