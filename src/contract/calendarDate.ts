// Calendar dates as `YYYY-MM-DD` strings and whole-day arithmetic on them. Integer arithmetic only:
// `Date.UTC` maps years 0-99 to 1900-1999 and `new Date('2011-02-30')` rolls over silently, so neither
// is trusted to decide what a real date is.

export const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function isCalendarDateParts(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** True for a `YYYY-MM-DD` string naming a day that exists in the proleptic Gregorian calendar. */
export function isCalendarDate(text: string): boolean {
  const match = DATE_PATTERN.exec(text);
  if (!match) return false;
  return isCalendarDateParts(Number(match[1]), Number(match[2]), Number(match[3]));
}

/**
 * Days since 1970-01-01 of a civil date (Hinnant, "chrono-compatible low-level date algorithms",
 * days_from_civil). Exact for every proleptic Gregorian date.
 */
export function dayNumberOfParts(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** Days since 1970-01-01 of a validated `YYYY-MM-DD` date; throws on anything else. */
export function dayNumber(date: string): number {
  const match = DATE_PATTERN.exec(date);
  if (!match || !isCalendarDateParts(Number(match[1]), Number(match[2]), Number(match[3]))) {
    throw new RangeError(`${JSON.stringify(date)} is not a calendar date`);
  }
  return dayNumberOfParts(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}
