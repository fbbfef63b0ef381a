import { StatsUsageError } from './statsUsageError.ts';

/** A comma-separated list of finite numbers, e.g. `--times 182.625,365.25`. */
export function numberList(option: string, text: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  const values = parts.map(Number);
  const bad = parts.findIndex((part, k) => part === '' || !Number.isFinite(values[k]));
  if (bad >= 0) throw new StatsUsageError(`${option} "${text}" must be comma-separated numbers ("${parts[bad]}" is not)`);
  return values;
}

/** A comma-separated list of names, e.g. `--covariates age,sex`. */
export function nameList(option: string, text: string): string[] {
  const names = text.split(',').map((part) => part.trim());
  if (names.some((name) => name === '')) throw new StatsUsageError(`${option} "${text}" must be comma-separated column names`);
  return names;
}

export function choice<T extends string>(option: string, text: string, allowed: readonly T[]): T {
  const found = allowed.find((value) => value === text);
  if (found === undefined) throw new StatsUsageError(`${option} "${text}" must be one of ${allowed.join(', ')}`);
  return found;
}

export function finiteNumber(option: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new StatsUsageError(`${option} "${text}" must be a number`);
  return value;
}
