// Loader for the R reference fixtures (test/fixtures/reference, README there): the CSV data as a column
// table with R's missing values as null, and the expected JSON of each data set.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Cell, ColumnTable, DesignSpec } from '../../src/stats/design.ts';

const ROOT = fileURLToPath(new URL('../fixtures/reference/', import.meta.url));

export const DATASETS = ['lung', 'veteran', 'veteran_split', 'ovarian', 'gbsg', 'mgus2'] as const;
export type DatasetName = (typeof DATASETS)[number];

/** A JSON number as the fixtures write it ("NaN", "Inf", "-Inf" for the non-finite ones). */
export type JsonNumber = number | 'NaN' | 'Inf' | '-Inf' | null;

export interface FixtureTest {
  stat: JsonNumber;
  df: number;
  p: JsonNumber;
}

export type FixtureDesign =
  | { kind: 'numeric'; column: string }
  | { kind: 'dummy'; column: string; level: string; reference: string; levels: string[] }
  | { kind: 'interaction'; of: FixtureDesign[] };

export interface FixtureCoefficient {
  name: string;
  design: FixtureDesign;
  beta: JsonNumber;
  se: JsonNumber;
  robust_se: JsonNumber;
  hr: JsonNumber;
  z: JsonNumber;
  p: JsonNumber;
  hr_lower95: JsonNumber;
  hr_upper95: JsonNumber;
  z_model?: JsonNumber;
  p_model?: JsonNumber;
}

export interface FixtureSurv {
  type: 'right' | 'counting';
  start?: string;
  time: string;
  event: string;
  event_value: number | string;
}

export interface FixtureCoxResult {
  n: number;
  nevent: number;
  iter: number;
  rows_dropped: number[];
  inference_se: 'model' | 'robust';
  coefficients: FixtureCoefficient[];
  loglik_null: JsonNumber;
  loglik: JsonNumber;
  lrt: FixtureTest;
  wald: FixtureTest;
  score: FixtureTest;
  robust_score: FixtureTest | null;
  wald_model?: FixtureTest;
  concordance: { concordance: JsonNumber; se: JsonNumber; concordant: number; discordant: number; tied_x: number; tied_y: number; tied_xy: number };
  means: Record<string, JsonNumber>;
  var_model: JsonNumber[][];
  var_robust: JsonNumber[][] | null;
}

export interface FixtureCox {
  id: string;
  model_id: string;
  ties: 'efron' | 'breslow';
  surv: FixtureSurv;
  covariate_terms: string[];
  strata: string | null;
  weights: string | null;
  cluster: string | null;
  robust_requested: boolean;
  warnings: string[];
  error: string | null;
  result: FixtureCoxResult | null;
  convergence_check: { coef_tight: JsonNumber[]; loglik_tight: JsonNumber } | null;
}

export interface FixtureZph {
  model_id: string;
  ties: 'efron' | 'breslow';
  transform: 'km' | 'identity' | 'rank';
  terms: boolean;
  warnings: string[];
  error: string | null;
  table: { term: string; chisq: JsonNumber; df: number; p: JsonNumber }[];
}

export interface FixtureFile {
  dataset: { name: string; surv: FixtureSurv; factors: Record<string, string[]> | [] };
  coxph: FixtureCox[];
  cox_zph: FixtureZph[];
}

export function num(v: JsonNumber): number {
  if (v === null || v === 'NaN') return Number.NaN;
  if (v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return v;
}

const tables = new Map<string, ColumnTable>();

/** The data set's CSV: unquoted fields are numbers, quoted ones strings, empty fields missing (null). */
export function loadTable(name: DatasetName): ColumnTable {
  const cached = tables.get(name);
  if (cached !== undefined) return cached;
  const text = readFileSync(`${ROOT}data/${name}.csv`, 'utf8');
  const rows: Cell[][] = parse(text, {
    from_line: 2,
    cast: (value, context) => (context.quoting ? value : value === '' ? null : Number(value)),
  });
  const header = text.slice(0, text.indexOf('\n')).trim().split(',');
  const table: Record<string, Cell[]> = {};
  header.forEach((h, k) => {
    table[h] = rows.map((r) => r[k]);
  });
  tables.set(name, table);
  return table;
}

export function loadExpected(name: DatasetName): FixtureFile {
  return JSON.parse(readFileSync(`${ROOT}expected/${name}.json`, 'utf8')) as FixtureFile;
}

function factorLevels(file: FixtureFile): Record<string, string[]> {
  return Array.isArray(file.dataset.factors) ? {} : file.dataset.factors;
}

function stripFactor(term: string): { column: string; factor: boolean } {
  const m = /^factor\((.+)\)$/.exec(term);
  return m === null ? { column: term, factor: false } : { column: m[1], factor: true };
}

/** The design spec equivalent to a fixture model's R formula. */
export function specFor(file: FixtureFile, model: { covariate_terms: string[]; strata: string | null; weights: string | null; cluster: string | null; surv: FixtureSurv }): DesignSpec {
  const covariates: string[] = [];
  const interactions: string[] = [];
  const factors = new Set<string>();
  const levels = factorLevels(file);
  for (const term of model.covariate_terms) {
    const parts = term.split(':').map(stripFactor);
    for (const part of parts) if (part.factor || levels[part.column] !== undefined) factors.add(part.column);
    if (parts.length > 1) interactions.push(parts.map((x) => x.column).join(':'));
    else covariates.push(parts[0].column);
  }
  const spec: DesignSpec = {
    time: model.surv.time,
    event: model.surv.event,
    eventValue: model.surv.event_value,
    covariates,
    interactions,
    factors: [...factors],
    levels,
  };
  if (model.surv.start !== undefined) spec.start = model.surv.start;
  if (model.strata !== null) spec.strata = model.strata;
  if (model.weights !== null) spec.weights = model.weights;
  if (model.cluster !== null) spec.cluster = model.cluster;
  return spec;
}

/** Our design column name for a fixture coefficient's design (`column`, `column=level`, `a:b`). */
export function designName(design: FixtureDesign): string {
  if (design.kind === 'numeric') return design.column;
  if (design.kind === 'dummy') return `${design.column}=${design.level}`;
  return design.of.map(designName).join(':');
}

/**
 * |actual − expected| within 1e-6 relative or 1e-9 absolute; p-values below 1e-12 compared on the log
 * scale (README, Tolerances). Returns a message when outside, else null.
 */
export function mismatch(actual: number, expected: JsonNumber, opts: { rel?: number; abs?: number; pValue?: boolean } = {}): string | null {
  const e = num(expected);
  const rel = opts.rel ?? 1e-6;
  const abs = opts.abs ?? 1e-9;
  if (Number.isNaN(e)) return Number.isNaN(actual) ? null : `expected NaN, got ${actual}`;
  if (!Number.isFinite(e)) return actual === e ? null : `expected ${e}, got ${actual}`;
  if (opts.pValue === true && e < 1e-12) {
    return Math.abs(Math.log(actual) - Math.log(e)) <= rel * Math.abs(Math.log(e)) + 1e-6 ? null : `p ${actual} vs ${e} (log scale)`;
  }
  return Math.abs(actual - e) <= Math.max(abs, rel * Math.abs(e)) ? null : `${actual} vs ${e} (rel ${(Math.abs(actual - e) / Math.abs(e)).toExponential(2)})`;
}
