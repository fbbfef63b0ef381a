// Every table of the report in machine-readable form, exported as CSV and JSON beside the HTML.
// Cells hold raw values (full precision numbers), never the rounded text of the HTML, so a
// biostatistician can recompute; counts are already small-cell suppressed ("<11" as a string).
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { ReportInputError } from './reportInputError.ts';

/**
 * `number`: a finite number or null (an unbounded CI bound, ±Infinity, is stored as null: JSON has no
 * Infinity); `count`: an integer, or the string "<k" of a suppressed cell, or ">=k" of a cell hidden
 * to protect one (complementary suppression);
 * `string`: non-empty text or null (CSV cannot tell "" from null); `boolean`: true/false or null.
 */
export type ColumnType = 'string' | 'number' | 'count' | 'boolean';
export type Cell = string | number | boolean | null;

export interface Column {
  /** Machine name: lower camelCase, the CSV header and the JSON key. */
  readonly name: string;
  readonly type: ColumnType;
}

export interface TableData {
  /** What the table is, in words (the JSON carries it; the CSV file name is the table's key). */
  readonly title: string;
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly Cell[])[];
}

/** The JSON form: `{ title, columns, rows: [{ column: value }] }`. */
export interface TableJson {
  readonly title: string;
  readonly columns: readonly Column[];
  readonly rows: readonly Readonly<Record<string, Cell>>[];
}

const SUPPRESSED_COUNT = /^(<|>=)\d+$/;

function checkCell(table: string, column: Column, cell: Cell): void {
  const ok =
    cell === null ||
    (column.type === 'string' && typeof cell === 'string' && cell !== '') ||
    (column.type === 'number' && typeof cell === 'number' && Number.isFinite(cell)) ||
    (column.type === 'boolean' && typeof cell === 'boolean') ||
    (column.type === 'count' && ((typeof cell === 'number' && Number.isInteger(cell)) || (typeof cell === 'string' && SUPPRESSED_COUNT.test(cell))));
  if (!ok) throw new ReportInputError(`table ${table}, column ${column.name}: ${JSON.stringify(cell)} is not a ${column.type}`);
}

/** Builds a table, checking every cell against its column's type. */
export function makeTable(title: string, columns: readonly Column[], rows: readonly (readonly Cell[])[]): TableData {
  const cleaned = rows.map((row) => {
    if (row.length !== columns.length) throw new ReportInputError(`table ${title}: a row has ${row.length} cells for ${columns.length} columns`);
    return row.map((cell, i) => {
      const value = columns[i].type === 'number' && (cell === Infinity || cell === -Infinity) ? null : cell;
      checkCell(title, columns[i], value);
      return value;
    });
  });
  return { title, columns, rows: cleaned };
}

export function tableToJson(table: TableData): TableJson {
  return {
    title: table.title,
    columns: table.columns,
    rows: table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c.name, row[i]]))),
  };
}

export function tableFromJson(json: TableJson): TableData {
  return makeTable(
    json.title,
    json.columns,
    json.rows.map((row) => json.columns.map((c) => row[c.name] ?? null)),
  );
}

// Spreadsheet formula injection (OWASP "CSV Injection"): a text cell starting with = + - @ or a
// control character is prefixed with an apostrophe, which spreadsheets show as text. A plain signed
// number ("-15", a change between looks) cannot be a formula and is left alone.
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;
const GUARD = "'";

function csvText(column: Column, cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell); // shortest round-trip representation
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  if (column.type === 'string' && ((FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell)) || cell.startsWith(GUARD))) return GUARD + cell;
  return cell;
}

/** RFC 4180 CSV with a header row of column names; empty field = null. */
export function tableToCsv(table: TableData): string {
  const records = [table.columns.map((c) => c.name), ...table.rows.map((row) => row.map((cell, i) => csvText(table.columns[i], cell)))];
  return stringify(records, { record_delimiter: '\r\n', quoted_string: false });
}

function fromCsvText(column: Column, text: string): Cell {
  if (text === '') return null;
  switch (column.type) {
    case 'string':
      return text.startsWith(GUARD) ? text.slice(1) : text;
    case 'boolean':
      if (text === 'true' || text === 'false') return text === 'true';
      break;
    case 'number':
      if (Number.isFinite(Number(text))) return Number(text);
      break;
    case 'count':
      if (SUPPRESSED_COUNT.test(text)) return text;
      if (/^\d+$/.test(text)) return Number(text);
      break;
  }
  throw new ReportInputError(`CSV column ${column.name}: ${JSON.stringify(text.slice(0, 40))} is not a ${column.type}`);
}

/** Reads a table back from its CSV, given the column types (the JSON carries them). */
export function tableFromCsv(csv: string, title: string, columns: readonly Column[]): TableData {
  const records: string[][] = parse(csv, { relax_column_count: false });
  const [header, ...body] = records;
  if (header === undefined || header.join(',') !== columns.map((c) => c.name).join(',')) {
    throw new ReportInputError(`CSV header ${JSON.stringify(header?.join(',') ?? '')} does not match the columns`);
  }
  return makeTable(
    title,
    columns,
    body.map((record) => record.map((text, i) => fromCsvText(columns[i], text))),
  );
}
