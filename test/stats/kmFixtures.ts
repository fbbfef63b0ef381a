// Loader and comparison helpers for the R reference fixtures, used by the KM, log-rank, CIF and
// Fine-Gray tests (test/fixtures/reference/README.md describes the format).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';
import type { Grouping, SurvData } from '../../src/stats/km/index.ts';

const referenceDir = fileURLToPath(new URL('../fixtures/reference/', import.meta.url));

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ColumnInfo {
  name: string;
  type: 'numeric' | 'factor';
}

export interface Dataset {
  name: string;
  expected: JsonObject;
  columns: Map<string, (string | null)[]>;
  columnInfo: ColumnInfo[];
  factors: Record<string, string[]>;
  nRows: number;
}

export const DATASETS = ['lung', 'veteran', 'ovarian', 'gbsg', 'mgus2'] as const;

export function csvPath(name: string): string {
  return `${referenceDir}data/${name}.csv`;
}

export function loadDataset(name: string): Dataset {
  const expected = JSON.parse(readFileSync(`${referenceDir}expected/${name}.json`, 'utf8')) as JsonObject;
  const records = parse<Record<string, string>>(readFileSync(csvPath(name), 'utf8'), { columns: true, skip_empty_lines: true });
  const dataset = expected.dataset as JsonObject;
  const columnInfo = (dataset.columns as JsonObject[]).map((c) => ({ name: c.name as string, type: c.type as ColumnInfo['type'] }));
  const columns = new Map<string, (string | null)[]>();
  for (const { name: column } of columnInfo) columns.set(column, records.map((r) => (r[column] === '' ? null : r[column])));
  const factors = (Array.isArray(dataset.factors) ? {} : dataset.factors) as Record<string, string[]>;
  return { name, expected, columns, columnInfo, factors, nRows: records.length };
}

export function column(dataset: Dataset, name: string): (string | null)[] {
  const values = dataset.columns.get(name);
  if (!values) throw new Error(`no column ${name} in ${dataset.name}`);
  return values;
}

/** Indices of the rows with no missing value in any of the columns. */
export function completeRows(dataset: Dataset, columns: readonly string[]): number[] {
  const rows: number[] = [];
  for (let i = 0; i < dataset.nRows; i++) if (columns.every((c) => column(dataset, c)[i] !== null)) rows.push(i);
  return rows;
}

export function numbers(dataset: Dataset, name: string, rows: readonly number[]): Float64Array {
  const values = column(dataset, name);
  return Float64Array.from(rows, (i) => Number(values[i]));
}

/** Right-censored data for `surv` = {time, event, event_value} over the given rows. */
export function survData(dataset: Dataset, surv: JsonObject, rows: readonly number[]): SurvData {
  const events = column(dataset, surv.event as string);
  const eventValue = scalarText(surv.event_value);
  return {
    time: numbers(dataset, surv.time as string, rows),
    event: Uint8Array.from(rows, (i) => (events[i] === eventValue ? 1 : 0)),
  };
}

/** R's factor levels of a column: the fixture's order for factors, numeric sort otherwise. */
export function levelsOf(dataset: Dataset, name: string, rows: readonly number[]): string[] {
  const given = dataset.factors[name];
  if (given) return given;
  const values = column(dataset, name);
  const distinct = [...new Set(rows.map((i) => values[i] as string))];
  return distinct.sort((a, b) => Number(a) - Number(b));
}

/**
 * Groups as R's strata(a, b): labels "a=x, b=y", the first column varying slowest; unused cells dropped.
 * `shortLabels` drops the "a=" part for factor columns, as R's strata() does for all-factor arguments.
 */
export function grouping(dataset: Dataset, names: readonly string[], rows: readonly number[], shortLabels = false): Grouping {
  const levels = names.map((name) => levelsOf(dataset, name, rows));
  const cellOf = (i: number): number =>
    names.reduce((acc, name, k) => acc * levels[k].length + levels[k].indexOf(column(dataset, name)[i] as string), 0);
  const used = [...new Set(rows.map(cellOf))].sort((a, b) => a - b);
  const labels = used.map((cell) => {
    const parts: string[] = [];
    for (let k = names.length - 1; k >= 0; k--) {
      const level = levels[k][cell % levels[k].length];
      parts.unshift(shortLabels && dataset.factors[names[k]] ? level : `${names[k]}=${level}`);
      cell = Math.floor(cell / levels[k].length);
    }
    return parts.join(', ');
  });
  return { codes: Int32Array.from(rows, (i) => used.indexOf(cellOf(i))), labels };
}

/** The text of a scalar fixture value (an event value may be a number or a string). */
export function scalarText(value: Json): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`not a scalar: ${JSON.stringify(value)}`);
}

/** A fixture number: null = NA, "Inf"/"-Inf"/"NaN" strings. NaN stands for NA on our side. */
export function fixtureNumber(value: Json): number {
  if (value === null || value === 'NaN') return Number.NaN;
  if (value === 'Inf') return Number.POSITIVE_INFINITY;
  if (value === '-Inf') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'number') return value;
  throw new Error(`not a fixture number: ${JSON.stringify(value)}`);
}

const RELATIVE = 1e-6;
const ABSOLUTE = 1e-9;

/** True when `actual` agrees with R's value to 1e-6 relative / 1e-9 absolute (log scale below 1e-12). */
export function agrees(actual: number, expected: number, options: { pValue?: boolean } = {}): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  if (options.pValue && expected < 1e-12 && expected > 0) return actual > 0 && Math.abs(Math.log(actual) - Math.log(expected)) <= RELATIVE * Math.abs(Math.log(expected));
  const diff = Math.abs(actual - expected);
  return diff <= ABSOLUTE || diff <= RELATIVE * Math.abs(expected);
}

/** Asserts agreement element by element, naming the first element that differs. */
export function expectClose(actual: ArrayLike<number> | number, expected: Json, what: string, options: { pValue?: boolean } = {}): void {
  const act = typeof actual === 'number' ? [actual] : Array.from(actual);
  const exp = Array.isArray(expected) ? expected.map(fixtureNumber) : [fixtureNumber(expected)];
  expect(act.length, `${what}: length`).toBe(exp.length);
  for (let i = 0; i < exp.length; i++) {
    if (!agrees(act[i], exp[i], options)) {
      expect.fail(`${what}[${i}]: got ${act[i]}, R has ${exp[i]}`);
    }
  }
}

export function entries(dataset: Dataset, key: string): JsonObject[] {
  const value = dataset.expected[key];
  return Array.isArray(value) ? (value as JsonObject[]) : [];
}
