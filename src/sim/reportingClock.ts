import type { Rng } from './prng.ts';
import { integerBetween, logNormal } from './variates.ts';
import { isoDateOf } from './days.ts';
import { REGISTRY } from './registryProcess.ts';

/** When the registry learned of something: an instant (epoch ms, for ordering) and its ISO text. */
export interface Reported {
  day: number;
  ms: number;
  text: string;
}

export interface LagModel {
  readonly median: number;
  readonly sdLog: number;
  readonly min: number;
  readonly max: number;
}

export function lagDays(rng: Rng, lag: LagModel): number {
  return Math.min(lag.max, Math.max(lag.min, Math.round(logNormal(rng, lag.median, lag.sdLog))));
}

/** A report on local calendar day `day` at a random second of the centre's working hours. */
export function reportOn(rng: Rng, day: number): Reported {
  const { from, to } = REGISTRY.workingHours;
  const second = integerBetween(rng, from * 3600, to * 3600 - 1);
  const ms = (day * 86_400 + second - REGISTRY.offsetMinutes * 60) * 1000;
  return { day, ms, text: `${isoDateOf(day)}T${clock(second)}${REGISTRY.offset}` };
}

/** The instant a local calendar day begins: nothing occurring on or after `day` is reported earlier. */
export function startOfLocalDay(day: number): number {
  return (day * 86_400 - REGISTRY.offsetMinutes * 60) * 1000;
}

function clock(second: number): string {
  const h = Math.floor(second / 3600);
  const m = Math.floor((second % 3600) / 60);
  const s = second % 60;
  return `${pad(h)}:${pad(m)}:${pad(s)}`;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
