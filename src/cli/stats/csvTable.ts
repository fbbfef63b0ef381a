import { statSync } from 'node:fs';
import type * as DuckDBModule from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBType } from '@duckdb/node-api';
import { readPlainNumericCsv } from './plainNumericCsv.ts';
import { StatsUsageError } from './statsUsageError.ts';

/**
 * One column of the CSV: numbers straight into a Float64Array (NaN = missing), or text (null = missing)
 * for a column that is not numeric throughout (group labels, factors, `--event-value yes`).
 */
export type CsvColumn = { kind: 'number'; values: Float64Array } | { kind: 'text'; values: (string | null)[] };

/** The columns a method uses, read from a CSV file; an empty field is missing. */
export interface CsvTable {
  path: string;
  header: string[];
  nRows: number;
  columns: Readonly<Record<string, CsvColumn>>;
}

type DuckDB = typeof DuckDBModule;

/** DuckDB's numeric column types (read into Float64Arrays). */
function numericTypes(duckdb: DuckDB): Set<number> {
  const id = duckdb.DuckDBTypeId;
  return new Set<number>([
    id.TINYINT, id.SMALLINT, id.INTEGER, id.BIGINT, id.HUGEINT,
    id.UTINYINT, id.USMALLINT, id.UINTEGER, id.UBIGINT, id.UHUGEINT,
    id.FLOAT, id.DOUBLE, id.DECIMAL,
  ]);
}

/** Minimal view of a DuckDB vector: getItem reads the chunk's native buffer, no per-row objects. */
interface ItemVector<T> {
  getItem(index: number): T | null;
}

/**
 * Reads the named columns of an RFC 4180 CSV with a header row through DuckDB's CSV reader (parallel,
 * typed, projection pushed down: unused columns are never converted). Chosen by measurement over
 * csv-parse, udsv and papaparse (docs/stats-cox.md). Numeric columns stream chunk by chunk into one
 * Float64Array each. A numeric value that is not finite (NaN, inf) is refused here, naming its row.
 * If a column that looked numeric in DuckDB's sample holds text further down, the file is read again
 * as text, so the caller reports the offending row as before.
 */
export async function readCsvTable(path: string, names: readonly string[]): Promise<CsvTable> {
  try {
    if (!statSync(path).isFile()) throw new StatsUsageError(`cannot read --csv ${path}: not a file`);
  } catch (error) {
    if (error instanceof StatsUsageError) throw error;
    const reason = error instanceof Error && 'code' in error && error.code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error);
    throw new StatsUsageError(`cannot read --csv ${path}: ${reason}`);
  }
  const wanted = Array.from(new Set(names));
  // Plain numeric files (the million-row case) without DuckDB; anything else DuckDB reads as before.
  const plain = await readPlainNumericCsv(path, wanted);
  if (plain !== null) return plain;
  // Loaded only here: the native module is a noticeable part of a short command's start-up.
  const duckdb = await import('@duckdb/node-api');
  const numeric = numericTypes(duckdb);
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    try {
      return await readColumns(connection, path, wanted, false, numeric);
    } catch (error) {
      if (!isConversionError(error)) throw error;
      return await readColumns(connection, path, wanted, true, numeric);
    }
  } catch (error) {
    if (error instanceof StatsUsageError) throw error;
    throw new StatsUsageError(`--csv ${path} is not valid CSV: ${firstLine(error)}`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function readColumns(connection: DuckDBConnection, path: string, names: readonly string[], allText: boolean, numericTypeIds: Set<number>): Promise<CsvTable> {
  const source = `read_csv(${sqlString(path)}, header = true${allText ? ', all_varchar = true' : ''})`;
  const probe = await connection.run(`SELECT * FROM ${source} LIMIT 0`);
  const header = probe.columnNames();
  const types = probe.columnTypes();
  const duplicate = header.find((name, i) => header.indexOf(name) !== i);
  if (duplicate !== undefined) throw new StatsUsageError(`--csv ${path} has the column "${duplicate}" twice`);
  for (const name of names) {
    if (!header.includes(name)) throw new StatsUsageError(`column "${name}" is not in ${path} (columns: ${header.join(', ')})`);
  }
  const numeric = names.map((name) => isNumeric(types[header.indexOf(name)], numericTypeIds));
  // Missing becomes NaN and a non-finite value +Infinity (refused below) inside DuckDB, so a numeric
  // vector has no validity mask and getItem takes its fast path.
  const select = names
    .map((name, k) => {
      const column = sqlIdentifier(name);
      return numeric[k] ? `CASE WHEN ${column} IS NULL THEN 'NaN'::DOUBLE WHEN isfinite(${column}::DOUBLE) THEN ${column}::DOUBLE ELSE 'Infinity'::DOUBLE END` : `${column}::VARCHAR`;
    })
    .join(', ');
  const result = await connection.stream(`SELECT ${select} FROM ${source}`);
  let capacity = 1 << 16;
  let numbers: (Float64Array | null)[] = names.map((_, k) => (numeric[k] ? new Float64Array(capacity) : null));
  const texts = names.map((_, k): (string | null)[] | null => (numeric[k] ? null : []));
  let nRows = 0;
  for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const m = chunk.rowCount;
    if (nRows + m > capacity) {
      while (nRows + m > capacity) capacity *= 2;
      numbers = numbers.map((column) => (column === null ? null : grow(column, capacity)));
    }
    for (let k = 0; k < names.length; k++) {
      const target = numbers[k];
      if (target !== null) {
        const vector = chunk.getColumnVector(k) as unknown as ItemVector<number>;
        for (let i = 0; i < m; i++) {
          const value = vector.getItem(i) ?? Number.NaN;
          if (value === Number.POSITIVE_INFINITY) throw new StatsUsageError(`column "${names[k]}" has a non-finite value (NaN or infinite) in data row ${nRows + i + 1}`);
          target[nRows + i] = value;
        }
      } else {
        const vector = chunk.getColumnVector(k) as unknown as ItemVector<string>;
        const out = texts[k] as (string | null)[];
        for (let i = 0; i < m; i++) {
          const value = vector.getItem(i);
          out.push(value === null || value === '' ? null : value);
        }
      }
    }
    nRows += m;
  }
  const columns: Record<string, CsvColumn> = Object.create(null) as Record<string, CsvColumn>;
  names.forEach((name, k) => {
    const number = numbers[k];
    columns[name] = number !== null ? { kind: 'number', values: number.subarray(0, nRows) } : { kind: 'text', values: texts[k] as (string | null)[] };
  });
  return { path, header, nRows, columns };
}

function grow(column: Float64Array, capacity: number): Float64Array {
  const next = new Float64Array(capacity);
  next.set(column);
  return next;
}

function isNumeric(type: DuckDBType | undefined, numericTypeIds: Set<number>): boolean {
  return type !== undefined && numericTypeIds.has(type.typeId);
}

/** DuckDB found text in a column its sniffer had typed as a number (beyond the sampled rows). */
function isConversionError(error: unknown): boolean {
  return error instanceof Error && /Conversion Error|Could not convert/i.test(error.message);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'unreadable';
}

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
