import type { Grouping } from '../../stats/km/index.ts';
import type { CsvTable } from './csvTable.ts';
import { StatsUsageError } from './statsUsageError.ts';

/** Throws a one-line error naming the first column that is not in the file. */
export function requireColumns(table: CsvTable, names: readonly string[]): void {
  for (const name of names) {
    if (!Object.hasOwn(table.columns, name)) throw new StatsUsageError(`column "${name}" is not in ${table.path} (columns: ${table.header.join(', ')})`);
  }
}

/** Rows (0-based) with a value in every used column: R's na.omit. */
export function completeRows(table: CsvTable, names: readonly string[]): Int32Array {
  requireColumns(table, names);
  const columns = names.map((name) => table.columns[name]);
  const rows: number[] = [];
  for (let i = 0; i < table.nRows; i++) if (columns.every((c) => c[i] !== null)) rows.push(i);
  if (rows.length === 0) throw new StatsUsageError(`no rows of ${table.path} have values in all of ${names.join(', ')}`);
  return Int32Array.from(rows);
}

export function numericColumn(table: CsvTable, name: string, rows: Int32Array): Float64Array {
  const values = table.columns[name];
  return Float64Array.from(rows, (i) => {
    const text = values[i] ?? '';
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new StatsUsageError(`column "${name}" has the non-numeric value "${text}" in data row ${i + 1}`);
    return value;
  });
}

/** 1 where the column equals `value` (numerically when both are numbers), else 0. */
export function indicatorColumn(table: CsvTable, name: string, value: string, rows: Int32Array): Uint8Array {
  const values = table.columns[name];
  const target = Number(value);
  const numericTarget = value.trim() !== '' && Number.isFinite(target);
  return Uint8Array.from(rows, (i) => {
    const text = values[i] ?? '';
    const number = Number(text);
    if (numericTarget && text.trim() !== '' && Number.isFinite(number)) return number === target ? 1 : 0;
    return text === value ? 1 : 0;
  });
}

/**
 * Groups by the distinct values of a column, in the project's level order (numbers numerically,
 * otherwise by character code); the label is the value as a string.
 */
export function groupingOf(table: CsvTable, name: string, rows: Int32Array): Grouping {
  const values = table.columns[name];
  const labels = distinctValues(values, rows);
  const index = new Map(labels.map((label, g) => [label, g]));
  return { codes: Int32Array.from(rows, (i) => index.get(values[i] ?? '') ?? -1), labels };
}

/** Distinct values of the rows: sorted numerically when all are numbers, otherwise by character code. */
export function distinctValues(values: readonly (string | null)[], rows: Int32Array): string[] {
  const distinct = [...new Set(Array.from(rows, (i) => values[i] ?? ''))];
  const numeric = distinct.every((text) => text.trim() !== '' && Number.isFinite(Number(text)));
  return numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
