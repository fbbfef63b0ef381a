import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
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
 * A file of PARALLEL_FROM_BYTES or more is read in two parts at once, split at a line start: this
 * thread parses the first (MAIN_THREAD_SHARE of the bytes), a worker thread the rest, with the same
 * code (spanParser); the worker's columns are appended to this thread's, so the values and their
 * order are those of one pass. The worker reports whether its part holds a decimal in each column (the
 * sniffer rule above needs the first part's sample); anything the worker cannot do (it fails, or the
 * first part is shorter than the sniffer's sample) and this thread parses the rest itself, as before.
 *
 * Measured at 1,000,000 rows × 12 columns (72 MB), ten used: see docs/stats-cox.md.
 */


interface Target {
  values: Float64Array;
  /** Row of the first non-empty value (-1 until one is seen). */
  firstValue: number;
  /** A decimal point seen within the sniffer's sample / anywhere. */
  decimalInSample: boolean;
  integerInSample: boolean;
  /** A decimal seen after the sniffer's sample. */
  decimalLater: boolean;
}

/** Where a span's parsing starts: the buffer holds the file's bytes [base, base + length), the first line at pos. */
interface SpanStart {
  buffer: Buffer;
  pos: number;
  length: number;
  base: number;
}

type ReadSync = (fd: number, buffer: Buffer, offset: number, length: number, position: number) => number;

/**
 * The line parser, in one function that refers to nothing outside itself but `readSync` (and globals):
 * the worker thread runs this same function from its source text (Function.prototype.toString; the
 * esbuild bundle may rename module-level names, never a function's own locals consistently used), so
 * both halves of a file are parsed by one code.
 */
function spanParser(readSync: ReadSync) {
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
  // From literals (exact for k ≤ 22), not 10 ** k, which V8 does not promise to round exactly.
  const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

  class Refused extends Error {}


  /** Parses one line starting at `pos` (it ends in LF); returns the position after the LF. */
  function parseRow(buffer: Buffer, pos: number, slot: Int32Array, nFields: number, targets: Target[], row: number, sniffRows: number): number {
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
            if (row < sniffRows) target.decimalInSample = true;
            else {
              target.decimalLater = true;
              if (target.integerInSample && !target.decimalInSample) throw new Refused();
            }
          } else {
            if (digits > 18) throw new Refused();
            if (row < sniffRows) target.integerInSample = true;
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

  function grow(values: Float64Array, capacity: number): Float64Array {
    const next = new Float64Array(capacity);
    next.set(values);
    return next;
  }

  /**
   * Parses the lines in bytes [base + pos, fileEnd) of the file, `fileEnd` being the end of the file or
   * a line start; buffer[0, length) already holds the file's bytes from offset `base`. Rows are stored
   * from `firstRow` on (the columns grow as needed); returns the row count after the span. A row below
   * `sniffRows` counts toward DuckDB's sniffer sample.
   */
  function parseSpan(fd: number, start: SpanStart, fileEnd: number, slot: Int32Array, nFields: number, targets: Target[], firstRow: number, sniffRows: number): number {
    let { buffer, pos, length, base } = start;
    let row = firstRow;
    let capacity = targets.length > 0 ? targets[0].values.length : Number.POSITIVE_INFINITY;
    let atEnd = base + length >= fileEnd;
    if (atEnd) length = fileEnd - base;
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
        pos = parseRow(buffer, pos, slot, nFields, targets, row, sniffRows);
        row++;
      }
      if (atEnd) break;
      const rest = length - pos;
      const readAt = base + length;
      buffer.copy(buffer, 0, pos, length);
      if (rest === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, rest);
        buffer = bigger;
      }
      const read = readSync(fd, buffer, rest, Math.min(buffer.length - rest, fileEnd - readAt), readAt);
      base += pos;
      length = rest + read;
      pos = 0;
      atEnd = read === 0 || base + length >= fileEnd;
    }
    return row;
  }

  return { parseSpan, Refused };
}

/** DuckDB's CSV sniffer types a column from a sample of at least this many first rows. */
const SAMPLE_ROWS = 1024;
/** The default sample size of DuckDB's sniffer: beyond it, a decimal in an integer column is a conversion error there. */
const SNIFF_ROWS = 20_480;
const CHUNK_BYTES = 1 << 23;
const LF = 10;
const CR = 13;
/** Files from this size are parsed in two halves on two threads (docs/stats-cox.md). */
export const PARALLEL_FROM_BYTES = 1 << 24;
/**
 * The share of the rows' bytes this thread parses: it starts at once, the worker only after its ~40 ms
 * start-up, so equal halves left this thread waiting. 1M-row cox, `hyperfine -N -r 12/15` alternated
 * (idle, 2026-12-01): 0.5 1.900 / 1.899 s, 0.62 1.849 / 1.874 s, 0.68 1.924 s.
 */
const MAIN_THREAD_SHARE = 0.6;

const { parseSpan, Refused } = spanParser(readSync);

/** What the worker sends back: its rows, or that its half holds something DuckDB must read. */
type HalfResult = { refused: true } | { refused: false; rows: number; values: Float64Array[]; decimalLater: boolean[] };

// The worker: parses [from, to) of the file with spanParser's source, rows counted from 0 outside the sniffer's sample.
const HALF_WORKER = `
// tsx compiles with esbuild's keepNames, whose helper the function's text calls.
const __name = (target) => target;
const { parentPort, workerData } = require('node:worker_threads');
const { closeSync, openSync, readSync } = require('node:fs');
const { parseSpan, Refused } = (${spanParser.toString()})(readSync);
const { path, from, to, slot, nFields, nTargets, capacity } = workerData;
const targets = Array.from({ length: nTargets }, () => ({ values: new Float64Array(capacity), firstValue: -1, decimalInSample: false, integerInSample: false, decimalLater: false }));
const fd = openSync(path, 'r');
try {
  const start = { buffer: Buffer.allocUnsafe(${CHUNK_BYTES}), pos: 0, length: 0, base: from };
  const rows = parseSpan(fd, start, to, slot, nFields, targets, 0, 0);
  parentPort.postMessage({ refused: false, rows, values: targets.map((t) => t.values), decimalLater: targets.map((t) => t.decimalLater) }, targets.map((t) => t.values.buffer));
} catch (error) {
  if (!(error instanceof Refused)) throw error;
  parentPort.postMessage({ refused: true });
} finally {
  closeSync(fd);
}
`;

interface HalfWorker {
  /** The worker's answer, or null if it failed (this thread then parses the half itself). */
  result: Promise<HalfResult | null>;
  stop(): void;
}

function startHalfWorker(path: string, from: number, to: number, slot: Int32Array, nTargets: number, capacity: number): HalfWorker {
  const worker = new Worker(HALF_WORKER, { eval: true, workerData: { path, from, to, slot, nFields: slot.length, nTargets, capacity } });
  const result = new Promise<HalfResult | null>((resolve) => {
    worker.once('message', (message: HalfResult) => resolve(message));
    worker.once('error', () => resolve(null));
    worker.once('exit', () => resolve(null));
  });
  return { result, stop: () => void worker.terminate() };
}

/** The offset after the first LF at or after `at` (a line start), or `size` if there is none. */
function lineStartFrom(fd: number, at: number, size: number): number {
  const probe = Buffer.allocUnsafe(1 << 16);
  for (let offset = at; offset < size; offset += probe.length) {
    const read = readSync(fd, probe, 0, probe.length, offset);
    if (read === 0) break;
    const lf = probe.subarray(0, read).indexOf(LF);
    if (lf >= 0) return offset + lf + 1;
  }
  return size;
}

/** The table, or null where DuckDB's reader must decide (see above). `parallelFromBytes` is for tests. */
export async function readPlainNumericCsv(path: string, names: readonly string[], parallelFromBytes = PARALLEL_FROM_BYTES): Promise<CsvTable | null> {
  const fd = openSync(path, 'r');
  let worker: HalfWorker | null = null;
  try {
    const first = parse(fd, path, names, parallelFromBytes, (started) => {
      worker = started;
    });
    return first === null ? null : await finish(fd, first);
  } catch (error) {
    if (error instanceof Refused) return null;
    throw error;
  } finally {
    (worker as HalfWorker | null)?.stop();
    closeSync(fd);
  }
}

interface FirstHalf {
  path: string;
  header: string[];
  wanted: string[];
  targets: Target[];
  slot: Int32Array;
  row: number;
  split: number;
  size: number;
  worker: HalfWorker | null;
}

function parse(fd: number, path: string, names: readonly string[], parallelFromBytes: number, started: (worker: HalfWorker) => void): FirstHalf | null {
  let buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let length = readSync(fd, buffer, 0, buffer.length, 0);
  let end = buffer.subarray(0, length).indexOf(LF);
  while (end < 0 && length === buffer.length) {
    // A header longer than a chunk: grow until the first line fits.
    const bigger = Buffer.allocUnsafe(buffer.length * 2);
    buffer.copy(bigger, 0, 0, length);
    length += readSync(fd, bigger, length, bigger.length - length, length);
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
  const size = fstatSync(fd).size;
  const firstLines = Math.max(1, countLf(buffer, end + 1, length));
  const capacity = Math.max(1024, Math.ceil((size / Math.max(1, length - end - 1)) * firstLines * 1.02) + 16);
  const targets: Target[] = wanted.map(() => ({ values: new Float64Array(capacity), firstValue: -1, decimalInSample: false, integerInSample: false, decimalLater: false }));
  /** Per field of a row: index into targets, or -1 for a column the method does not use. */
  const slot = Int32Array.from(header, (name) => wanted.indexOf(name));
  const split = size >= parallelFromBytes ? lineStartFrom(fd, Math.max(end + 1, Math.floor(end + 1 + (size - end - 1) * MAIN_THREAD_SHARE)), size) : size;
  const worker = split < size ? startHalfWorker(path, split, size, slot, wanted.length, Math.ceil(capacity / 2) + 16) : null;
  if (worker !== null) started(worker);
  const row = parseSpan(fd, { buffer, pos: end + 1, length, base: 0 }, split, slot, header.length, targets, 0, SNIFF_ROWS);
  return { path, header, wanted, targets, slot, row, split, size, worker };
}

/** Appends the second half (the worker's, or parsed here) and checks what only the whole file shows. */
async function finish(fd: number, first: FirstHalf): Promise<CsvTable | null> {
  const { targets, slot } = first;
  let row = first.row;
  const half = first.worker === null || row < SNIFF_ROWS ? null : await first.worker.result;
  if (half !== null && half.refused) return null;
  if (half !== null) {
    for (let k = 0; k < targets.length; k++) {
      const target = targets[k];
      // The rule parseRow applies past the sample, for the worker's rows.
      if (half.decimalLater[k] && target.integerInSample && !target.decimalInSample) return null;
      if (target.values.length < row + half.rows) target.values = grow(target.values, row + half.rows);
      target.values.set(half.values[k].subarray(0, half.rows), row);
    }
    row += half.rows;
  } else if (first.split < first.size) {
    const start = { buffer: Buffer.allocUnsafe(CHUNK_BYTES), pos: 0, length: 0, base: first.split };
    row = parseSpan(fd, start, first.size, slot, slot.length, targets, row, SNIFF_ROWS);
  }
  if (row === 0) return null;
  const columns: Record<string, CsvColumn> = Object.create(null) as Record<string, CsvColumn>;
  for (let k = 0; k < first.wanted.length; k++) {
    const target = targets[k];
    if (target.firstValue < 0 || target.firstValue >= Math.min(row, SAMPLE_ROWS)) return null;
    columns[first.wanted[k]] = { kind: 'number', values: target.values.subarray(0, row) };
  }
  return { path: first.path, header: first.header, nRows: row, columns };
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
