/** Thrown for a cutoff that is not a real calendar date `YYYY-MM-DD`. */
export class CutoffError extends Error {
  override name = 'CutoffError';
}

/** Validates a cutoff date string; returns it unchanged. */
export function parseCutoffDate(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !date || date.toISOString().slice(0, 10) !== value) {
    throw new CutoffError(`invalid cutoff "${value}": expected a calendar date YYYY-MM-DD`);
  }
  return value;
}

/**
 * The cutoff a scheduled run analyses: the last day of the quarter before `now` (UTC), so a run fired
 * on 1 April analyses data reported up to 31 March, whichever scheduler or worker fires it.
 */
export function quarterCutoff(now: Date): string {
  const quarterStartMonth = Math.floor(now.getUTCMonth() / 3) * 3;
  const lastDay = new Date(Date.UTC(now.getUTCFullYear(), quarterStartMonth, 0));
  return lastDay.toISOString().slice(0, 10);
}
