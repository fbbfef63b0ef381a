import type { AlertThresholds } from '../plan.ts';
import type { ValidityInputs, ValidityIssue } from './types.ts';

/** The validity problems of a look's monitoring estimate; while any holds, effect alerts are held. */
export function validityIssues(v: ValidityInputs, events: number, t: AlertThresholds): ValidityIssue[] {
  const issues: ValidityIssue[] = [];
  // The PH test has little power and a poor null distribution with few events: only judged from phMinEvents on.
  if (v.phP !== null && events >= t.phMinEvents && v.phP < t.phPValue) issues.push('non-proportional-hazards');
  if (v.firth) issues.push('firth-fallback');
  if (v.maxAbsSmdWeighted !== null && v.maxAbsSmdWeighted > t.smdMax) issues.push('iptw-imbalance');
  if (v.essFraction !== null && v.essFraction < t.essFractionMin) issues.push('low-effective-sample-size');
  // Fail closed: a check that could not be computed did not pass (the reasons are in v.notComputed).
  if ((v.notComputed ?? []).length > 0) issues.push('validity-not-computed');
  return issues;
}

/** Issues present now that were not at the previous look (a validity alert is a state change). */
export function newValidityIssues(now: readonly ValidityIssue[], before: readonly ValidityIssue[]): ValidityIssue[] {
  return now.filter((issue) => !before.includes(issue));
}
