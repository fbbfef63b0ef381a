/** Retry policy for alert mail and looks whose queue attempts ran out: doubling from `baseMs`, capped at `maxMs`. */
export interface RetryPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 60_000, maxMs: 3_600_000 };

/** The wait before retry round `round` (0 for the first time the attempts ran out). */
export function retryDelayMs(round: number, policy: RetryPolicy): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(round, 30));
}
