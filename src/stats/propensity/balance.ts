import { effectiveSampleSize } from './effectiveSampleSize.ts';

export type BalanceCovariate =
  | { name: string; kind: 'numeric'; values: ArrayLike<number> }
  | { name: string; kind: 'binary'; values: ArrayLike<number> }
  | { name: string; kind: 'factor'; values: readonly string[]; levels?: readonly string[] };

export interface GroupComparison {
  /** Weighted mean (numeric) or proportion (binary, factor level) in each arm. */
  treated: number;
  control: number;
  /** Standardised mean difference, treated minus control. */
  smd: number;
}

export interface BalanceRow {
  covariate: string;
  /** The factor level this row is about; null for numeric and binary covariates. */
  level: string | null;
  kind: 'numeric' | 'binary' | 'level';
  before: GroupComparison;
  after: GroupComparison;
}

export interface BalanceTable {
  rows: BalanceRow[];
  effectiveSampleSize: {
    before: { treated: number; control: number; all: number };
    after: { treated: number; control: number; all: number };
  };
}

/**
 * Covariate balance before and after weighting (Austin & Stuart 2015, Stat Med 34:3661, sec 4.1).
 * Numeric: (x̄₁ − x̄₀)/√((s₁² + s₀²)/2) with weighted means and weighted variances
 * s² = Σw/((Σw)² − Σw²) · Σw(x − x̄)², which is the usual n − 1 variance when all weights are 1.
 * Binary and each factor level: (p₁ − p₀)/√((p₁(1−p₁) + p₀(1−p₀))/2) with weighted proportions.
 * A covariate constant in both arms has SMD 0.
 */
export function balanceTable(
  treatment: ArrayLike<number>,
  covariates: readonly BalanceCovariate[],
  weights: ArrayLike<number>,
): BalanceTable {
  const n = treatment.length;
  if (weights.length !== n) throw new Error(`${weights.length} weights for ${n} rows`);
  for (let i = 0; i < n; i++) {
    if (treatment[i] !== 0 && treatment[i] !== 1) throw new Error(`treatment must be 0 or 1, row ${i + 1} has ${treatment[i]}`);
    if (!(weights[i] >= 0 && Number.isFinite(weights[i]))) throw new Error(`weight at row ${i + 1} must be finite and >= 0, got ${weights[i]}`);
  }
  const ones = new Float64Array(n).fill(1);
  const rows: BalanceRow[] = [];
  for (const cov of covariates) {
    if (cov.values.length !== n) throw new Error(`covariate ${cov.name} has ${cov.values.length} rows, treatment has ${n}`);
    if (cov.kind === 'factor') {
      for (const level of cov.levels ?? distinctSorted(cov.values)) {
        const x = Float64Array.from(cov.values, (v) => (v === level ? 1 : 0));
        rows.push({ covariate: cov.name, level, kind: 'level', before: compareBinary(treatment, x, ones), after: compareBinary(treatment, x, weights) });
      }
      continue;
    }
    assertFinite(cov.name, cov.values, cov.kind === 'binary');
    const compare = cov.kind === 'numeric' ? compareNumeric : compareBinary;
    rows.push({ covariate: cov.name, level: null, kind: cov.kind, before: compare(treatment, cov.values, ones), after: compare(treatment, cov.values, weights) });
  }
  const essOf = (w: ArrayLike<number>): { treated: number; control: number; all: number } => ({
    treated: effectiveSampleSize(w, (i) => treatment[i] === 1),
    control: effectiveSampleSize(w, (i) => treatment[i] === 0),
    all: effectiveSampleSize(w),
  });
  return { rows, effectiveSampleSize: { before: essOf(ones), after: essOf(weights) } };
}

interface WeightedMoments {
  mean: number;
  variance: number;
}

function moments(x: ArrayLike<number>, w: ArrayLike<number>, treatment: ArrayLike<number>, arm: number): WeightedMoments {
  let sw = 0;
  let sw2 = 0;
  let swx = 0;
  for (let i = 0; i < x.length; i++) {
    if (treatment[i] !== arm) continue;
    sw += w[i];
    sw2 += w[i] * w[i];
    swx += w[i] * x[i];
  }
  if (!(sw > 0)) throw new Error(`no weight in the ${arm === 1 ? 'treated' : 'control'} arm`);
  const mean = swx / sw;
  let ss = 0;
  for (let i = 0; i < x.length; i++) if (treatment[i] === arm) ss += w[i] * (x[i] - mean) ** 2;
  const denominator = sw * sw - sw2;
  return { mean, variance: denominator > 0 ? (sw / denominator) * ss : 0 };
}

function standardised(diff: number, pooledVariance: number): number {
  if (pooledVariance > 0) return diff / Math.sqrt(pooledVariance);
  return diff === 0 ? 0 : Math.sign(diff) * Infinity;
}

function compareNumeric(treatment: ArrayLike<number>, x: ArrayLike<number>, w: ArrayLike<number>): GroupComparison {
  const t = moments(x, w, treatment, 1);
  const c = moments(x, w, treatment, 0);
  return { treated: t.mean, control: c.mean, smd: standardised(t.mean - c.mean, (t.variance + c.variance) / 2) };
}

function compareBinary(treatment: ArrayLike<number>, x: ArrayLike<number>, w: ArrayLike<number>): GroupComparison {
  const p1 = moments(x, w, treatment, 1).mean;
  const p0 = moments(x, w, treatment, 0).mean;
  return { treated: p1, control: p0, smd: standardised(p1 - p0, (p1 * (1 - p1) + p0 * (1 - p0)) / 2) };
}

function distinctSorted(values: readonly string[]): string[] {
  return Array.from(new Set(values)).sort();
}

function assertFinite(name: string, values: ArrayLike<number>, binary: boolean): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new Error(`covariate ${name} has a missing or non-finite value at row ${i + 1}`);
    if (binary && v !== 0 && v !== 1) throw new Error(`binary covariate ${name} must be 0 or 1, row ${i + 1} has ${v}`);
  }
}
