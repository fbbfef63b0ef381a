import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { StatsUsageError } from './statsUsageError.ts';

/** A CSV file as columns of text; an empty field is missing (null). */
export interface CsvTable {
  path: string;
  header: string[];
  nRows: number;
  columns: Readonly<Record<string, readonly (string | null)[]>>;
}

/** Reads an RFC 4180 CSV with a header row. */
export function readCsvTable(path: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error && error.code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error);
    throw new StatsUsageError(`cannot read --csv ${path}: ${reason}`);
  }
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true, bom: true });
  } catch (error) {
    throw new StatsUsageError(`--csv ${path} is not valid CSV: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (records.length === 0) throw new StatsUsageError(`--csv ${path} is empty (a header row is required)`);
  const header = records[0];
  const duplicate = header.find((name, i) => header.indexOf(name) !== i);
  if (duplicate !== undefined) throw new StatsUsageError(`--csv ${path} has the column "${duplicate}" twice`);
  const body = records.slice(1);
  // Own properties only (fromEntries), so a header such as "__proto__" is just a column name.
  const columns = Object.fromEntries(
    header.map((name, k) => [name, body.map((row) => (row[k] === undefined || row[k] === '' ? null : row[k]))]),
  ) as Record<string, (string | null)[]>;
  return { path, header, nRows: body.length, columns };
}
