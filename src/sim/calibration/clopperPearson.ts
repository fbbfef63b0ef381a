import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';

/**
 * Exact two-sided confidence interval for a binomial proportion k / n (Clopper & Pearson 1934, Biometrika
 * 26:404-413), from beta quantiles: lower = Beta(a/2; k, n-k+1), upper = Beta(1-a/2; k+1, n-k), with the
 * conventions lower = 0 at k = 0 and upper = 1 at k = n (R's binom.test).
 */
export function clopperPearson(k: number, n: number, level = 0.95): { lower: number; upper: number } {
  if (!(Number.isInteger(n) && n > 0 && Number.isInteger(k) && k >= 0 && k <= n)) throw new Error(`need integers 0 <= k <= n, n > 0 (got ${k} of ${n})`);
  const a = 1 - level;
  return {
    lower: k === 0 ? 0 : betaQuantile(a / 2, k, n - k + 1),
    upper: k === n ? 1 : betaQuantile(1 - a / 2, k + 1, n - k),
  };
}
