// The demo's simulated calendar: the instants the quarterly scheduler would fire (06:00 UTC on the
// first day of January, April, July and October, the default REANALYSIS_CRON), from the first look to
// the registry's administrative end. Each tick analyses the quarter that just ended (analysis/lookSchedule.ts).
import { quarterCutoff } from '../analysis/lookSchedule.ts';

export interface QuarterTick {
  /** When the scheduler fires, on the simulated clock. */
  readonly at: Date;
  /** The cutoff it analyses: the last day of the quarter before `at`. */
  readonly cutoff: string;
}

export class QuarterRangeError extends Error {
  override name = 'QuarterRangeError';
}

const FIRE_HOUR_UTC = 6;

/** The tick that analyses the quarter ending on `cutoff` (which must be a quarter's last day). */
export function tickFor(cutoff: string): QuarterTick {
  const m = /^(\d{4})-(03-31|06-30|09-30|12-31)$/.exec(cutoff);
  if (!m) throw new QuarterRangeError(`${cutoff} is not the last day of a calendar quarter`);
  const month = Number(cutoff.slice(5, 7)); // 3, 6, 9 or 12: the next quarter starts in month index `month`
  const at = new Date(Date.UTC(Number(m[1]), month, 1, FIRE_HOUR_UTC));
  return { at, cutoff: quarterCutoff(at) };
}

/** Every quarter-end cutoff from `first` to `last` inclusive, as scheduler ticks in calendar order. */
export function quarterTicks(first: string, last: string): QuarterTick[] {
  const start = tickFor(first);
  const end = tickFor(last);
  if (start.at > end.at) throw new QuarterRangeError(`the first look ${first} is after the last ${last}`);
  const ticks: QuarterTick[] = [];
  for (let at = start.at; at <= end.at; at = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 3, 1, FIRE_HOUR_UTC))) {
    ticks.push({ at, cutoff: quarterCutoff(at) });
  }
  return ticks;
}
