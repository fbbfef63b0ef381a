/** How often the registry is looked at: the scheduler's quarterly cron, or once a year. */
export type LookSchedule = 'quarterly' | 'yearly';
export const LOOK_SCHEDULES: readonly LookSchedule[] = ['quarterly', 'yearly'];

/** Surveillance starts at the end of 2007 (the demo's first look: ~40% of the cohort registered). */
export const FIRST_LOOK = '2007-12-31';

const iso = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The look cutoffs from `first` to `last` (both inclusive): every quarter's last day, or every 31
 * December; the registry's last day is always the final look (its data end there).
 */
export function scheduleCutoffs(schedule: LookSchedule, first: string, last: string): string[] {
  const out: string[] = [];
  const start = new Date(`${first}T00:00:00Z`);
  const step = schedule === 'quarterly' ? 3 : 12;
  // Last day of the month `m` months after January of the start year: Date.UTC(y, m + 1, 0).
  for (let m = start.getUTCMonth(); ; m += step) {
    const cutoff = iso(new Date(Date.UTC(start.getUTCFullYear(), m + 1, 0)));
    if (cutoff > last) break;
    if (cutoff >= first) out.push(cutoff);
  }
  if (out.at(-1) !== last) out.push(last);
  return out;
}
