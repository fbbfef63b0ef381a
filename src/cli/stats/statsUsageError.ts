/** Bad arguments or input for `cohortwatch stats`: reported as one line with exit code 2. */
export class StatsUsageError extends Error {
  override name = 'StatsUsageError';
}
