import type { CoxFit, CoxInput } from '../stats/cox/index.ts';

/**
 * Grambsch-Therneau test of the PORT term (cox.zph, KM transform). The Cox engine's coxZph has not
 * landed yet: until it does the test is reported as not computed (null), which holds no alert.
 */
export function phTest(_input: CoxInput, _fit: CoxFit): { portP: number; globalP: number } | null {
  return null;
}
