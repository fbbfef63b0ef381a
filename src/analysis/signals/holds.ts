import type { EstimateRecord } from '../runResult.ts';

const ISSUE_WORDS: Readonly<Record<string, string>> = {
  'non-proportional-hazards': 'the proportional-hazards assumption fails for PORT',
  'firth-fallback': 'the ordinary Cox fit is not usable (an arm without events or a monotone likelihood); the estimate is Firth-penalised',
  'iptw-imbalance': 'the covariates stay imbalanced after propensity weighting',
  'low-effective-sample-size': 'the propensity weights leave a small effective sample',
  'validity-not-computed': 'a validity check could not be computed',
};

/**
 * The validity holds of an estimand at a look, in words, from its monitoring estimate: the rule
 * state's issues, and for a check that could not be computed its reason.
 */
export function estimandHolds(e: EstimateRecord): string[] {
  const state = e.details.ruleState as { validityIssues?: readonly string[] } | undefined;
  const validity = e.details.validity as { notComputed?: readonly string[] } | undefined;
  const holds: string[] = [];
  for (const issue of state?.validityIssues ?? []) {
    if (issue === 'validity-not-computed') holds.push(...(validity?.notComputed ?? []).map((reason) => `not computed: ${reason}`));
    else holds.push(ISSUE_WORDS[issue] ?? issue);
  }
  return holds;
}
