// Which cutoffs are looks of the sequential monitoring. A look analyses the data up to the end of its
// cutoff day; the scheduler fires on REANALYSIS_CRON (in REANALYSIS_TZ) and each firing analyses the
// day before it, so the default cron (06:00 on 1 Jan/Apr/Jul/Oct) gives the quarter ends. The same cron
// says which cutoffs an operator may ask for: an extra look off that schedule spends alpha the plan did
// not foresee, so it has to be asked for explicitly.
// The cron is read with cron-parser, the library BullMQ's job scheduler fires with (same version), so
// the cutoffs checked here are the ones the scheduler produces.
import { CronExpressionParser } from 'cron-parser';

/** A cutoff that is not a valid look: malformed, in the future, not on the schedule, out of order. */
export class CutoffError extends Error {
  override name = 'CutoffError';
}

export interface LookSchedule {
  /** 6-field cron (seconds first), as BullMQ's job scheduler takes it. */
  readonly cron: string;
  readonly tz: string;
}

export const DEFAULT_LOOK_SCHEDULE: LookSchedule = { cron: '0 0 6 1 1,4,7,10 *', tz: 'UTC' };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Validates a cutoff date string `YYYY-MM-DD` (a real calendar date); returns it unchanged. */
export function parseCutoffDate(value: string): string {
  const m = DATE.exec(value);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !date || date.toISOString().slice(0, 10) !== value) {
    throw new CutoffError(`invalid cutoff "${value}": expected a calendar date YYYY-MM-DD`);
  }
  return value;
}

/** The last day of the quarter before `now` (UTC): the cutoff of the default schedule's firing at `now`. */
export function quarterCutoff(now: Date): string {
  const quarterStartMonth = Math.floor(now.getUTCMonth() / 3) * 3;
  return new Date(Date.UTC(now.getUTCFullYear(), quarterStartMonth, 0)).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The calendar date of an instant in a time zone. */
export function localDate(instant: Date, tz: string): string {
  const parts = wallClock(instant, tz);
  return `${parts.year}-${pad(parts.month)}-${pad(parts.day)}`;
}

/** The cutoff a firing of the scheduler at `fire` analyses: the day before, in the schedule's zone. */
export function cutoffOfFiring(fire: Date, schedule: LookSchedule): string {
  return addDays(localDate(fire, schedule.tz), -1);
}

/** Throws a CutoffError naming the problem when the cron or the zone is not usable. */
export function checkSchedule(schedule: LookSchedule): void {
  try {
    localDate(new Date(0), schedule.tz);
  } catch {
    throw new CutoffError(`unknown time zone "${schedule.tz}" (REANALYSIS_TZ)`);
  }
  try {
    CronExpressionParser.parse(schedule.cron, { tz: schedule.tz, currentDate: new Date(0) }).next();
  } catch (error) {
    throw new CutoffError(`invalid REANALYSIS_CRON "${schedule.cron}": ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Whether the scheduler fires on the day after `cutoff` (so `cutoff` is one of its looks). */
export function isScheduledCutoff(cutoff: string, schedule: LookSchedule): boolean {
  const dayStart = startOfLocalDay(addDays(cutoff, 1), schedule.tz);
  const nextDayStart = startOfLocalDay(addDays(cutoff, 2), schedule.tz);
  const next = CronExpressionParser.parse(schedule.cron, { tz: schedule.tz, currentDate: new Date(dayStart.getTime() - 1) }).next().toDate();
  return next.getTime() < nextDayStart.getTime();
}

/** The scheduled cutoffs just before and just after `cutoff` (for an error message that helps). */
export function scheduledNeighbours(cutoff: string, schedule: LookSchedule): { before: string | null; after: string } {
  const dayStart = startOfLocalDay(addDays(cutoff, 1), schedule.tz);
  const expression = () => CronExpressionParser.parse(schedule.cron, { tz: schedule.tz, currentDate: dayStart });
  let before: string | null = null;
  try {
    before = cutoffOfFiring(expression().prev().toDate(), schedule);
  } catch {
    before = null;
  }
  return { before, after: cutoffOfFiring(expression().next().toDate(), schedule) };
}

/** The cutoff of the schedule's latest firing at or before `now`: what `reanalyze` analyses by default. */
export function latestScheduledCutoff(now: Date, schedule: LookSchedule): string {
  const prev = CronExpressionParser.parse(schedule.cron, { tz: schedule.tz, currentDate: new Date(now.getTime() + 1) }).prev().toDate();
  return cutoffOfFiring(prev, schedule);
}

export interface LookCutoffPolicy {
  readonly now: Date;
  readonly schedule: LookSchedule;
  /** An extra look off the schedule, asked for explicitly. */
  readonly unscheduled?: boolean;
}

/**
 * A cutoff a look may be taken at: a calendar date, a day that is over (in the schedule's zone), and on
 * the schedule unless `unscheduled`. Throws a CutoffError with a one-line reason otherwise.
 */
export function checkLookCutoff(value: string, policy: LookCutoffPolicy): string {
  const cutoff = parseCutoffDate(value);
  const today = localDate(policy.now, policy.schedule.tz);
  if (cutoff >= today) {
    throw new CutoffError(`cutoff ${cutoff} is ${cutoff === today ? 'today' : 'in the future'} (today is ${today} in ${policy.schedule.tz}): a look analyses days that are over`);
  }
  if (!policy.unscheduled && !isScheduledCutoff(cutoff, policy.schedule)) {
    const { before, after } = scheduledNeighbours(cutoff, policy.schedule);
    const near = [before, after < today ? after : null].filter((d): d is string => d !== null).join(' or ');
    throw new CutoffError(`cutoff ${cutoff} is not on the look schedule (REANALYSIS_CRON "${policy.schedule.cron}" in ${policy.schedule.tz}${near ? `; nearest: ${near}` : ''}); pass --unscheduled for an extra look`);
  }
  return cutoff;
}

const pad = (n: number) => String(n).padStart(2, '0');

function wallClock(instant: Date, tz: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** The instant a calendar day starts in a zone (the zone's offset found by two fixed-point steps). */
function startOfLocalDay(date: string, tz: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d);
  const offsetAt = (t: number) => {
    const c = wallClock(new Date(t), tz);
    return Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second) - Math.floor(t / 1000) * 1000;
  };
  let t = wall - offsetAt(wall);
  t = wall - offsetAt(t);
  return new Date(t);
}
