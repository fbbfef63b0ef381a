/**
 * Design matrices for the survival models from a column table, with R's model.frame/model.matrix
 * semantics for what CohortWatch needs: numeric columns, treatment-coded factors (first level = reference),
 * interactions `a:b`, strata, weights, cluster, and na.omit (a row missing any used column is dropped).
 */
import type { CoxInput } from './cox/types.ts';

export type Cell = number | string | null | undefined;
/** Columns by name: arrays of cells, or a Float64Array with NaN for a missing value. */
export type ColumnTable = Readonly<Record<string, ArrayLike<Cell>>>;

export interface DesignSpec {
  /** Event/censoring time, or interval end for counting-process data. */
  time: string;
  /** Interval start for counting-process (start, stop] data. */
  start?: string;
  event: string;
  /** A row is an event when its event value equals this (default 1); any other non-missing value is censored. */
  eventValue?: number | string;
  /** Main-effect columns, in model order. */
  covariates: readonly string[];
  /** Columns to treat as factors (non-numeric columns are factors anyway, as in R). */
  factors?: readonly string[];
  /** Level order per factor column; the first level is the reference. */
  levels?: Readonly<Record<string, readonly string[]>>;
  /** Interaction terms `a:b` (parts may be numeric or factor columns). */
  interactions?: readonly string[];
  strata?: string | readonly string[];
  weights?: string;
  cluster?: string;
}

export interface DesignTerm {
  /** Term label: the column name, or `a:b` for an interaction. */
  term: string;
  /** Indices into the design columns (a factor has one per non-reference level). */
  columns: number[];
}

export interface Design {
  /** Fit input (without the model options ties/robust). */
  input: CoxInput;
  terms: DesignTerm[];
  /** Original 0-based row index of each used row. */
  rowsUsed: Int32Array;
  /** 1-based data rows dropped for a missing value in a used column (R's na.omit). */
  rowsDropped: number[];
  /** Level order of every factor used. */
  levels: Record<string, string[]>;
  strataLabels: string[];
}

interface Column {
  name: string;
  values: Float64Array;
}

export class DesignError extends Error {
  override name = 'DesignError';
}

function isMissing(v: Cell): boolean {
  return v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));
}

function asNumber(v: Cell): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    if (Number.isFinite(n)) return n;
  }
  return Number.NaN;
}

function column(table: ColumnTable, name: string): ArrayLike<Cell> {
  const values = table[name];
  if (values === undefined) throw new DesignError(`column "${name}" is not in the data`);
  return values;
}

/** Factor level text: numbers the way R prints them ("1", "2.5"), strings as they are. */
function levelText(v: Cell): string {
  const n = asNumber(v);
  return typeof v === 'number' || (typeof v === 'string' && Number.isFinite(n) && String(n) === v.trim()) ? String(n) : String(v);
}

/** Distinct values; numeric ones sorted numerically, otherwise by character code (first = reference). */
export function defaultLevels(values: ArrayLike<Cell>, rows: Int32Array): string[] {
  const distinct = new Set<string>();
  let allNumeric = true;
  for (const r of rows) {
    const v = values[r];
    distinct.add(levelText(v));
    if (!Number.isFinite(asNumber(v))) allNumeric = false;
  }
  const out = Array.from(distinct);
  if (allNumeric) return out.sort((a, b) => Number(a) - Number(b));
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function isNumericColumn(values: ArrayLike<Cell>, rows: Int32Array): boolean {
  // Typed columns (a CSV read straight into numbers) skip the per-cell type dispatch: same test.
  if (values instanceof Float64Array) {
    for (let i = 0; i < rows.length; i++) if (!Number.isFinite(values[rows[i]])) return false;
    return true;
  }
  for (const r of rows) if (!Number.isFinite(asNumber(values[r]))) return false;
  return true;
}

function usedColumns(spec: DesignSpec): string[] {
  const names = [spec.time, spec.event, ...spec.covariates];
  if (spec.start !== undefined) names.push(spec.start);
  for (const inter of spec.interactions ?? []) names.push(...inter.split(':'));
  names.push(...strataColumns(spec));
  if (spec.weights !== undefined) names.push(spec.weights);
  if (spec.cluster !== undefined) names.push(spec.cluster);
  return Array.from(new Set(names));
}

function strataColumns(spec: DesignSpec): string[] {
  if (spec.strata === undefined) return [];
  return typeof spec.strata === 'string' ? [spec.strata] : [...spec.strata];
}

/**
 * The table's own array when it is typed and every row is used (rows[i] = i), else null: a design uses
 * it as it is, not a copy (a million-row CSV's ten columns were 80 MB of copies). Nothing downstream
 * writes to a design's columns.
 */
function usedWhole(values: ArrayLike<Cell>, rows: Int32Array): Float64Array | null {
  return values instanceof Float64Array && rows.length === values.length ? values : null;
}

function numericColumn(table: ColumnTable, name: string, rows: Int32Array, role: string): Float64Array {
  const values = column(table, name);
  const whole = usedWhole(values, rows);
  if (whole !== null) {
    for (let i = 0; i < whole.length; i++) {
      if (!Number.isFinite(whole[i])) throw new DesignError(`${role} column "${name}" has a non-numeric value in row ${i + 1}`);
    }
    return whole;
  }
  const out = new Float64Array(rows.length);
  if (values instanceof Float64Array) {
    for (let i = 0; i < rows.length; i++) {
      const v = values[rows[i]];
      if (!Number.isFinite(v)) throw new DesignError(`${role} column "${name}" has a non-numeric value in row ${rows[i] + 1}`);
      out[i] = v;
    }
    return out;
  }
  for (let i = 0; i < rows.length; i++) {
    const v = asNumber(values[rows[i]]);
    if (!Number.isFinite(v)) throw new DesignError(`${role} column "${name}" has a non-numeric value in row ${rows[i] + 1}`);
    out[i] = v;
  }
  return out;
}

/** Integer codes of the distinct values (or value combinations) of some columns. */
function codes(table: ColumnTable, names: readonly string[], rows: Int32Array): { codes: Int32Array; labels: string[] } {
  const cols = names.map((n) => column(table, n));
  const index = new Map<string, number>();
  const out = new Int32Array(rows.length);
  const labels: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const key = cols.map((c, k) => (names.length > 1 ? `${names[k]}=${levelText(c[rows[i]])}` : levelText(c[rows[i]]))).join(', ');
    let code = index.get(key);
    if (code === undefined) {
      code = labels.length;
      index.set(key, code);
      labels.push(key);
    }
    out[i] = code;
  }
  return { codes: out, labels };
}

class ColumnBuilder {
  readonly levels: Record<string, string[]> = {};
  constructor(
    private readonly table: ColumnTable,
    private readonly spec: DesignSpec,
    private readonly rows: Int32Array,
  ) {}

  private isFactor(name: string): boolean {
    if (this.spec.factors?.includes(name) === true || this.spec.levels?.[name] !== undefined) return true;
    return !isNumericColumn(column(this.table, name), this.rows);
  }

  private factorLevels(name: string): string[] {
    const known = this.levels[name];
    if (known !== undefined) return known;
    const values = column(this.table, name);
    const given = this.spec.levels?.[name];
    let levels: string[];
    if (given !== undefined) {
      levels = [...given];
      const allowed = new Set(levels);
      for (const r of this.rows) {
        const text = levelText(values[r]);
        if (!allowed.has(text)) throw new DesignError(`column "${name}" has value "${text}" (row ${r + 1}) that is not among its levels ${levels.join('|')}`);
      }
    } else {
      levels = defaultLevels(values, this.rows);
    }
    this.levels[name] = levels;
    return levels;
  }

  /** The columns one variable contributes: itself if numeric, else one dummy per non-reference level. */
  variable(name: string): Column[] {
    if (!this.isFactor(name)) {
      // isFactor has just found every used value finite: a column used whole needs no second pass.
      const values = usedWhole(column(this.table, name), this.rows) ?? numericColumn(this.table, name, this.rows, 'covariate');
      return [{ name, values }];
    }
    const levels = this.factorLevels(name);
    const values = column(this.table, name);
    const text = Array.from(this.rows, (r) => levelText(values[r]));
    return levels.slice(1).map((level) => ({
      name: `${name}=${level}`,
      values: Float64Array.from(text, (t) => (t === level ? 1 : 0)),
    }));
  }

  /** Products of the parts' columns; as R's model.matrix, the first part varies fastest. */
  interaction(label: string): Column[] {
    const parts = label.split(':');
    let acc: Column[] = [{ name: '', values: new Float64Array(this.rows.length).fill(1) }];
    for (const part of parts) {
      const next: Column[] = [];
      for (const right of this.variable(part)) {
        for (const left of acc) {
          const values = new Float64Array(this.rows.length);
          for (let i = 0; i < values.length; i++) values[i] = left.values[i] * right.values[i];
          next.push({ name: left.name === '' ? right.name : `${left.name}:${right.name}`, values });
        }
      }
      acc = next;
    }
    return acc;
  }
}

function eventIndicator(table: ColumnTable, spec: DesignSpec, rows: Int32Array): Uint8Array {
  const values = column(table, spec.event);
  const target = spec.eventValue ?? 1;
  const targetNumber = asNumber(target);
  const out = new Uint8Array(rows.length);
  if (values instanceof Float64Array && Number.isFinite(targetNumber)) {
    // Numbers against a numeric event value: the comparison below, without the per-cell dispatch.
    for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]] === targetNumber ? 1 : 0;
    return out;
  }
  for (let i = 0; i < rows.length; i++) {
    const v = values[rows[i]];
    const n = asNumber(v);
    out[i] = Number.isFinite(targetNumber) && Number.isFinite(n) ? (n === targetNumber ? 1 : 0) : String(v) === String(target) ? 1 : 0;
  }
  return out;
}

/** Builds the Cox input and term structure; throws DesignError (one line) for bad specs or data. */
export function buildDesign(table: ColumnTable, spec: DesignSpec): Design {
  for (const label of spec.interactions ?? []) {
    const parts = label.split(':');
    if (parts.length < 2 || parts.some((x) => x === '')) throw new DesignError(`interaction "${label}" must name two or more columns as a:b`);
  }
  const names = usedColumns(spec);
  const cols = names.map((n) => column(table, n));
  const nRows = cols.length > 0 ? cols[0].length : 0;
  for (let k = 0; k < cols.length; k++) {
    if (cols[k].length !== nRows) throw new DesignError(`column "${names[k]}" has ${cols[k].length} values, expected ${nRows}`);
  }
  const rowsDropped: number[] = [];
  const missing = new Uint8Array(nRows);
  for (const c of cols) {
    if (c instanceof Float64Array) {
      for (let r = 0; r < nRows; r++) if (Number.isNaN(c[r])) missing[r] = 1;
    } else {
      for (let r = 0; r < nRows; r++) if (isMissing(c[r])) missing[r] = 1;
    }
  }
  for (let r = 0; r < nRows; r++) if (missing[r] === 1) rowsDropped.push(r + 1);
  const rows = new Int32Array(nRows - rowsDropped.length);
  for (let r = 0, k = 0; r < nRows; r++) if (missing[r] === 0) rows[k++] = r;
  if (rows.length === 0) throw new DesignError('no rows left after dropping rows with missing values');

  const builder = new ColumnBuilder(table, spec, rows);
  const x: Float64Array[] = [];
  const xNames: string[] = [];
  const terms: DesignTerm[] = [];
  const add = (term: string, columns: Column[]): void => {
    terms.push({ term, columns: columns.map((_, k) => x.length + k) });
    for (const c of columns) {
      x.push(c.values);
      xNames.push(c.name);
    }
  };
  for (const name of spec.covariates) add(name, builder.variable(name));
  for (const label of spec.interactions ?? []) add(label, builder.interaction(label));
  const duplicate = xNames.find((n, i) => xNames.indexOf(n) !== i);
  if (duplicate !== undefined) throw new DesignError(`design column "${duplicate}" appears twice`);

  const input: CoxInput = {
    stop: numericColumn(table, spec.time, rows, 'time'),
    event: eventIndicator(table, spec, rows),
    x,
    names: xNames,
  };
  if (spec.start !== undefined) input.start = numericColumn(table, spec.start, rows, 'start');
  let strataLabels: string[] = [];
  const strata = strataColumns(spec);
  if (strata.length > 0) {
    const coded = codes(table, strata, rows);
    input.strata = coded.codes;
    strataLabels = coded.labels;
  }
  if (spec.weights !== undefined) input.weights = numericColumn(table, spec.weights, rows, 'weights');
  if (spec.cluster !== undefined) input.cluster = codes(table, [spec.cluster], rows).codes;
  return { input, terms, rowsUsed: rows, rowsDropped, levels: builder.levels, strataLabels };
}
