/**
 * The plan tolerates a model that cannot be fitted (singular design, degenerate PH test) and records
 * it as not estimable; it must not tolerate the machine running out of memory or stack, which would
 * silently turn into "not estimable" and make a run depend on the host's load. Those (RangeError:
 * allocation failures, stack overflow) are rethrown so the job fails and is retried.
 */
export function rethrowResourceErrors(error: unknown): void {
  if (error instanceof RangeError) throw error;
}
