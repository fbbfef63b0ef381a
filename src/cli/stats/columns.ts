import type { Cell } from '../../stats/design.ts';
import type { Grouping } from '../../stats/km/index.ts';
import type { CsvColumn, CsvTable } from './csvTable.ts';
import { StatsUsageError } from './statsUsageError.ts';

function columnOf(table: CsvTable, name: string): CsvColumn {
  const column = Object.hasOwn(table.columns, name) ? table.columns[name] : undefined;
  if (column === undefined) throw new StatsUsageError(`column "${name}" is not in ${table.path} (columns: ${table.header.join(', ')})`);
  return column;
}

/** Rows (0-based) with a value in every used column: R's na.omit. */
export function completeRows(table: CsvTable, names: readonly string[]): Int32Array {
  const keep = new Uint8Array(table.nRows).fill(1);
  for (const name of names) {
    const column = columnOf(table, name);
    if (column.kind === 'number') {
      const values = column.values;
      for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) keep[i] = 0;
    } else {
      const values = column.values;
      for (let i = 0; i < values.length; i++) if (values[i] === null) keep[i] = 0;
    }
  }
  let count = 0;
  for (let i = 0; i < keep.length; i++) count += keep[i];
  if (count === 0) throw new StatsUsageError(`no rows of ${table.path} have values in all of ${names.join(', ')}`);
  const rows = new Int32Array(count);
  for (let i = 0, k = 0; i < keep.length; i++) if (keep[i] === 1) rows[k++] = i;
  return rows;
}

export function numericColumn(table: CsvTable, name: string, rows: Int32Array): Float64Array {
  const column = columnOf(table, name);
  const out = new Float64Array(rows.length);
  if (column.kind === 'number') {
    for (let r = 0; r < rows.length; r++) out[r] = column.values[rows[r]];
    return out;
  }
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    const text = column.values[i] ?? '';
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new StatsUsageError(`column "${name}" has the non-numeric value "${text}" in data row ${i + 1}`);
    out[r] = value;
  }
  return out;
}

/** A time column: numeric, and never negative (a negative follow-up time is a data error, not a censoring). */
export function timeColumn(table: CsvTable, name: string, rows: Int32Array): Float64Array {
  const values = numericColumn(table, name, rows);
  for (let r = 0; r < values.length; r++) {
    if (values[r] < 0) throw new StatsUsageError(`column "${name}" has the negative time ${values[r]} in data row ${rows[r] + 1}`);
  }
  return values;
}

/** 1 where the column equals `value` (numerically when both are numbers), else 0. */
export function indicatorColumn(table: CsvTable, name: string, value: string, rows: Int32Array): Uint8Array {
  const column = columnOf(table, name);
  const target = Number(value);
  const numericTarget = value.trim() !== '' && Number.isFinite(target);
  const out = new Uint8Array(rows.length);
  if (column.kind === 'number') {
    if (numericTarget) for (let r = 0; r < rows.length; r++) out[r] = column.values[rows[r]] === target ? 1 : 0;
    return out;
  }
  for (let r = 0; r < rows.length; r++) {
    const text = column.values[rows[r]] ?? '';
    const number = Number(text);
    out[r] = numericTarget && text.trim() !== '' && Number.isFinite(number) ? (number === target ? 1 : 0) : text === value ? 1 : 0;
  }
  return out;
}

/**
 * Groups by the distinct values of a column, in the project's level order (numbers numerically,
 * otherwise by character code); the label is the value as a string (a number's shortest text).
 */
export function groupingOf(table: CsvTable, name: string, rows: Int32Array): Grouping {
  const column = columnOf(table, name);
  if (column.kind === 'number') {
    const distinct = Array.from(new Set(Array.from(rows, (i) => column.values[i]))).sort((a, b) => a - b);
    const index = new Map(distinct.map((v, g) => [v, g]));
    return { codes: Int32Array.from(rows, (i) => index.get(column.values[i]) ?? -1), labels: distinct.map(String) };
  }
  const values = column.values;
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

/** The columns as buildDesign's cells: a Float64Array (NaN = missing) or the text values. */
export function designCells(table: CsvTable): Record<string, ArrayLike<Cell>> {
  const cells: Record<string, ArrayLike<Cell>> = Object.create(null) as Record<string, ArrayLike<Cell>>;
  for (const [name, column] of Object.entries(table.columns)) cells[name] = column.values;
  return cells;
}
