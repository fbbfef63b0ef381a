import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { CsvColumn, CsvTable } from './csvTable.ts';

/**
 * The common case of `stats --csv`, read without DuckDB: a comma-separated file with a header row whose
 * used columns hold only plain decimal numbers (`-12.345`, `7`, `1.5e-07`) or nothing. One pass over the bytes,
 * each used field converted straight into its Float64Array; nothing is made per row or per cell.
 *
 * It returns null, and the caller reads the file through DuckDB (csvTable.ts) exactly as before, at the
 * first thing DuckDB might read differently: quotes, a byte-order mark, another possible delimiter
 * (; tab |), a backslash or #, a blank line, a row with another number of fields, a used field that is
 * not a plain number (text, a sign +, a space, `1.`, an integer -0), a header name that is empty,
 * repeated or absent, a used column with no value among its first rows (DuckDB would type it as text),
 * an integer of more than 18 digits, or a column of integers that later holds a decimal (DuckDB types it
 * BIGINT from its sample and then reads the whole file as text). So wherever it answers, it answers
 * what DuckDB's reader would: the same column kinds, the same missing values, the same doubles — a
 * decimal with at most 15 significant digits and a power of ten within 10^±22 is m · 10^k or m / 10^-k,
 * both exact, and one IEEE operation rounds it correctly (Clinger 1990), as DuckDB's parser does; the
 * others go through Number(), which rounds correctly too.
 *
 * Measured at 1,000,000 rows × 12 columns (72 MB), ten used: see docs/stats-cox.md.
 */

const COMMA = 44;
const LF = 10;
const CR = 13;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const PLUS = 43;
const LOWER_E = 101;
const UPPER_E = 69;
/** DuckDB's CSV sniffer types a column from a sample of at least this many first rows. */
const SAMPLE_ROWS = 1024;
/** The default sample size of DuckDB's sniffer: beyond it, a decimal in an integer column is a conversion error there. */
const SNIFF_ROWS = 20_480;
const CHUNK_BYTES = 1 << 23;
// From literals (exact for k ≤ 22), not 10 ** k, which V8 does not promise to round exactly.
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

class Refused extends Error {}

interface Target {
  values: Float64Array;
  /** Row of the first non-empty value (-1 until one is seen). */
  firstValue: number;
  /** A decimal point seen within the sniffer's sample / anywhere. */
  decimalInSample: boolean;
  integerInSample: boolean;
}

/** The table, or null where DuckDB's reader must decide (see above). */
export function readPlainNumericCsv(path: string, names: readonly string[]): CsvTable | null {
  const fd = openSync(path, 'r');
  try {
    return parse(fd, path, names);
  } catch (error) {
    if (error instanceof Refused) return null;
    throw error;
  } finally {
    closeSync(fd);
  }
}

function parse(fd: number, path: string, names: readonly string[]): CsvTable | null {
  let buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let length = readSync(fd, buffer, 0, buffer.length, null);
  let end = buffer.subarray(0, length).indexOf(LF);
  while (end < 0 && length === buffer.length) {
    // A header longer than a chunk: grow until the first line fits.
    const bigger = Buffer.allocUnsafe(buffer.length * 2);
    buffer.copy(bigger, 0, 0, length);
    length += readSync(fd, bigger, length, bigger.length - length, null);
    buffer = bigger;
    end = buffer.subarray(0, length).indexOf(LF);
  }
  if (end < 0) return null;
  const headerText = buffer.toString('latin1', 0, end > 0 && buffer[end - 1] === CR ? end - 1 : end);
  if (/["';\t|\\# ]|[^\x20-\x7e]/.test(headerText)) return null;
  const header = headerText.split(',');
  if (header.some((name) => name === '') || new Set(header).size !== header.length) return null;
  const wanted = Array.from(new Set(names));
  if (wanted.some((name) => !header.includes(name))) return null;

  // Rows expected from the file size and the first chunk's line length: the columns rarely need to grow.
  const firstLines = Math.max(1, countLf(buffer, end + 1, length));
  let capacity = Math.max(1024, Math.ceil((fstatSync(fd).size / Math.max(1, length - end - 1)) * firstLines * 1.02) + 16);
  const targets: Target[] = wanted.map(() => ({ values: new Float64Array(capacity), firstValue: -1, decimalInSample: false, integerInSample: false }));
  /** Per field of a row: index into targets, or -1 for a column the method does not use. */
  const slot = Int32Array.from(header, (name) => wanted.indexOf(name));
  const nFields = header.length;
  let row = 0;
  let pos = end + 1;
  let atEnd = false;
  for (;;) {
    // The complete lines in the buffer; a partial last one waits for the next read.
    const lastLf = length > 0 ? buffer.lastIndexOf(LF, length - 1) : -1;
    let limit = lastLf + 1;
    if (atEnd && pos < length && lastLf < length - 1) {
      // The last line has no newline: give it one, so every line parsed ends in LF (parseRow relies on it).
      if (length === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length + 1);
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      buffer[length] = LF;
      limit = length + 1;
    }
    while (pos < limit) {
      if (row === capacity) {
        capacity *= 2;
        for (const target of targets) target.values = grow(target.values, capacity);
      }
      pos = parseRow(buffer, pos, slot, nFields, targets, row);
      row++;
    }
    if (atEnd) break;
    const rest = length - pos;
    buffer.copy(buffer, 0, pos, length);
    if (rest === buffer.length) {
      const bigger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(bigger, 0, 0, rest);
      buffer = bigger;
    }
    const read = readSync(fd, buffer, rest, buffer.length - rest, null);
    length = rest + read;
    pos = 0;
    atEnd = read === 0;
  }
  if (row === 0) return null;
  const columns: Record<string, CsvColumn> = Object.create(null) as Record<string, CsvColumn>;
  for (let k = 0; k < wanted.length; k++) {
    const target = targets[k];
    if (target.firstValue < 0 || target.firstValue >= Math.min(row, SAMPLE_ROWS)) return null;
    columns[wanted[k]] = { kind: 'number', values: target.values.subarray(0, row) };
  }
  return { path, header, nRows: row, columns };
}

/** Parses one line starting at `pos` (it ends in LF); returns the position after the LF. */
function parseRow(buffer: Buffer, pos: number, slot: Int32Array, nFields: number, targets: Target[], row: number): number {
  // A blank line: DuckDB may skip it or read a row of nulls.
  if (buffer[pos] === LF || buffer[pos] === CR) throw new Refused();
  for (let field = 0; field < nFields; field++) {
    const target = slot[field] >= 0 ? targets[slot[field]] : null;
    if (target === null) {
      // An unused column: only look for refused bytes and the end of the field.
      let c = buffer[pos];
      while (c !== COMMA && c !== LF && c !== CR) {
        if (c === 34 || c === 39 || c === 59 || c === 9 || c === 124 || c === 92 || c === 35 || c === 0xef) throw new Refused();
        pos++;
        c = buffer[pos];
      }
    } else {
      const start = pos;
      let c = buffer[pos];
      if (c === COMMA || c === LF || c === CR) {
        target.values[row] = Number.NaN;
      } else {
        const negative = c === MINUS;
        if (negative) {
          pos++;
          c = buffer[pos];
        }
        let mantissa = 0;
        let digits = 0;
        let decimals = 0;
        while (c >= ZERO && c <= NINE) {
          mantissa = mantissa * 10 + (c - ZERO);
          digits++;
          pos++;
          c = buffer[pos];
        }
        if (digits === 0) throw new Refused();
        if (c === DOT) {
          pos++;
          c = buffer[pos];
          while (c >= ZERO && c <= NINE) {
            mantissa = mantissa * 10 + (c - ZERO);
            digits++;
            decimals++;
            pos++;
            c = buffer[pos];
          }
          if (decimals === 0) throw new Refused();
        }
        // An exponent (full-precision exports write 1.5e-07): the token is a DOUBLE for DuckDB.
        let exponent = 0;
        const scientific = c === LOWER_E || c === UPPER_E;
        if (scientific) {
          pos++;
          c = buffer[pos];
          const negativeExponent = c === MINUS;
          if (c === MINUS || c === PLUS) {
            pos++;
            c = buffer[pos];
          }
          let exponentDigits = 0;
          while (c >= ZERO && c <= NINE) {
            if (exponent < 100_000) exponent = exponent * 10 + (c - ZERO);
            exponentDigits++;
            pos++;
            c = buffer[pos];
          }
          if (exponentDigits === 0) throw new Refused();
          if (negativeExponent) exponent = -exponent;
        }
        if (decimals > 0 || scientific) {
          if (row < SNIFF_ROWS) target.decimalInSample = true;
          else if (target.integerInSample && !target.decimalInSample) throw new Refused();
        } else {
          if (digits > 18) throw new Refused();
          if (row < SNIFF_ROWS) target.integerInSample = true;
        }
        if (c !== COMMA && c !== LF && c !== CR) throw new Refused();
        // m · 10^k with m and 10^|k| exact doubles: one correctly rounded operation (Clinger 1990).
        const k = exponent - decimals;
        let value: number;
        if (digits <= 15 && k >= -22 && k <= 22) value = k === 0 ? mantissa : k > 0 ? mantissa * POW10[k] : mantissa / POW10[-k];
        else value = Number(buffer.toString('latin1', negative ? start + 1 : start, pos));
        if (negative) {
          // "-0" in a column DuckDB types BIGINT is 0, but -0.0 in a DOUBLE one is -0: only the latter is certain.
          if (value === 0 && (decimals === 0 || scientific)) throw new Refused();
          value = -value;
        }
        target.values[row] = value;
        if (target.firstValue < 0) target.firstValue = row;
      }
    }
    const c = buffer[pos];
    if (field < nFields - 1) {
      if (c !== COMMA) throw new Refused();
      pos++;
    } else {
      if (c === CR) {
        pos++;
        if (buffer[pos] !== LF) throw new Refused();
      } else if (c !== LF) {
        throw new Refused();
      }
      pos++;
    }
  }
  return pos;
}

function countLf(buffer: Buffer, from: number, to: number): number {
  let count = 0;
  for (let at = buffer.indexOf(LF, from); at >= 0 && at < to; at = buffer.indexOf(LF, at + 1)) count++;
  return count;
}

function grow(values: Float64Array, capacity: number): Float64Array {
  const next = new Float64Array(capacity);
  next.set(values);
  return next;
}
