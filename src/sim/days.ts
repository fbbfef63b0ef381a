// Calendar dates as whole days since 1970-01-01 (UTC): integer arithmetic for the simulator, ISO text
// only at the edge when an event is written.

const MS_PER_DAY = 86_400_000;
export const DAYS_PER_YEAR = 365.25;
export const DAYS_PER_MONTH = DAYS_PER_YEAR / 12;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a `YYYY-MM-DD` calendar date; throws on anything that is not a real date. */
export function dayOf(isoDate: string): number {
  const match = ISO_DATE.exec(isoDate);
  if (!match) throw new Error(`"${isoDate}" is not a YYYY-MM-DD date`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    throw new Error(`"${isoDate}" is not a calendar date`);
  }
  return ms / MS_PER_DAY;
}

// Dates are formatted for every emitted event (tens of millions at 1M patients): the days of the
// registry's era are formatted once, on first use, into a fixed-size table.
const CACHE_FIRST_DAY = Date.UTC(1990, 0, 1) / MS_PER_DAY;
const CACHE_DAYS = 60 * 366;
const cache: (string | undefined)[] = new Array<string | undefined>(CACHE_DAYS);

/** `YYYY-MM-DD` of a day number. */
export function isoDateOf(day: number): string {
  const slot = day - CACHE_FIRST_DAY;
  if (slot >= 0 && slot < CACHE_DAYS && Number.isInteger(day)) {
    return (cache[slot] ??= new Date(day * MS_PER_DAY).toISOString().slice(0, 10));
  }
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Calendar year (fractional) of a day number, for calendar-time effects. */
export function yearOf(day: number): number {
  return 1970 + day / DAYS_PER_YEAR;
}
