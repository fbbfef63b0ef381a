import { LuDecomposition, Matrix } from 'ml-matrix';
import { pchisqUpper } from './distributions.ts';
import { timefix } from './timefix.ts';
import type { Grouping } from './km/types.ts';

/** The test is undefined for these data (fewer than two groups with expected events, singular variance). */
export class LogRankError extends Error {
  override name = 'LogRankError';
}

export interface LogRankInput {
  time: Float64Array;
  /** 1 = event, 0 = censored. */
  event: Uint8Array;
  group: Grouping;
  /** Optional strata: the test sums per-stratum observed, expected and variance. */
  strata?: Grouping;
  /** Fleming-Harrington ρ: 0 = log-rank (default), 1 = Peto-Peto (weights S(t−) of the pooled KM). */
  rho?: number;
}

export interface LogRankResult {
  groups: string[];
  n: number[];
  /** Observed and expected (weighted by S(t−)^ρ) events per group, summed over strata. */
  observed: number[];
  expected: number[];
  variance: number[][];
  chisq: number;
  /** (number of groups with expected > 0) − 1. */
  df: number;
  p: number;
  strata: { labels: string[]; n: number[]; observedByStratum: number[][]; expectedByStratum: number[][] } | null;
}

/**
 * G-rho family of k-sample tests (Harrington & Fleming 1982), as R's `survdiff`: at each event time
 * o_g += w·d_g, e_g += w·d·n_g/n, V += w²·d(n−d)/(n(n−1))·n_g(δ_gh − n_h/n) with w = S(t−)^ρ, S the
 * unweighted KM of the pooled stratum. χ² drops groups with e = 0 and the first remaining group.
 * Throws LogRankError when fewer than two groups have expected events.
 */
export function logRankTest(input: LogRankInput): LogRankResult {
  const rho = input.rho ?? 0;
  const [time] = timefix([input.time]);
  const present = presentCodes(input.group);
  const k = present.length;
  const groupIndex = new Int32Array(input.group.labels.length).fill(-1);
  present.forEach((code, g) => (groupIndex[code] = g));
  const strataCodes = input.strata ? presentCodes(input.strata) : [0];
  const nStrata = strataCodes.length;
  const stratumIndex = new Int32Array(input.strata ? input.strata.labels.length : 1).fill(-1);
  strataCodes.forEach((code, s) => (stratumIndex[code] = s));

  const rowsByStratum: number[][] = strataCodes.map(() => []);
  for (let i = 0; i < time.length; i++) rowsByStratum[input.strata ? stratumIndex[input.strata.codes[i]] : 0].push(i);

  const observedByStratum = present.map(() => new Array<number>(nStrata).fill(0));
  const expectedByStratum = present.map(() => new Array<number>(nStrata).fill(0));
  const variance = present.map(() => new Array<number>(k).fill(0));
  const n = new Array<number>(k).fill(0);
  for (let i = 0; i < time.length; i++) n[groupIndex[input.group.codes[i]]]++;

  rowsByStratum.forEach((rows, s) => {
    rows.sort((a, b) => time[a] - time[b]);
    const atRisk = new Float64Array(k);
    for (const i of rows) atRisk[groupIndex[input.group.codes[i]]]++;
    let total = rows.length;
    let km = 1; // S(t−) of the pooled stratum
    const deaths = new Float64Array(k);
    for (let a = 0; a < rows.length; ) {
      const t = time[rows[a]];
      let b = a;
      deaths.fill(0);
      let d = 0;
      for (; b < rows.length && time[rows[b]] === t; b++) {
        if (input.event[rows[b]] === 1) {
          deaths[groupIndex[input.group.codes[rows[b]]]]++;
          d++;
        }
      }
      if (d > 0) {
        const w = rho === 0 ? 1 : Math.pow(km, rho);
        for (let g = 0; g < k; g++) {
          observedByStratum[g][s] += w * deaths[g];
          expectedByStratum[g][s] += (w * d * atRisk[g]) / total;
        }
        if (total > 1) {
          const scale = (w * w * d * (total - d)) / (total * (total - 1));
          for (let g = 0; g < k; g++) {
            const term = scale * atRisk[g];
            variance[g][g] += term;
            for (let h = 0; h < k; h++) variance[g][h] -= (term * atRisk[h]) / total;
          }
        }
        km *= (total - d) / total;
      }
      for (let c = a; c < b; c++) atRisk[groupIndex[input.group.codes[rows[c]]]]--;
      total -= b - a;
      a = b;
    }
  });

  const observed = observedByStratum.map((row) => row.reduce((x, y) => x + y, 0));
  const expected = expectedByStratum.map((row) => row.reduce((x, y) => x + y, 0));
  const { chisq, df } = chiSquare(observed, expected, variance);
  return {
    groups: present.map((code) => input.group.labels[code]),
    n,
    observed,
    expected,
    variance,
    chisq,
    df,
    p: pchisqUpper(chisq, df),
    strata: input.strata
      ? {
          labels: strataCodes.map((code) => input.strata?.labels[code] ?? ''),
          n: rowsByStratum.map((rows) => rows.length),
          observedByStratum,
          expectedByStratum,
        }
      : null,
  };
}

function presentCodes(grouping: Grouping): number[] {
  const seen = new Uint8Array(grouping.labels.length);
  for (const code of grouping.codes) seen[code] = 1;
  const codes: number[] = [];
  seen.forEach((flag, code) => flag && codes.push(code));
  return codes;
}

function chiSquare(observed: number[], expected: number[], variance: number[][]): { chisq: number; df: number } {
  const kept = expected.map((e, g) => (e > 0 ? g : -1)).filter((g) => g >= 0);
  // R's survdiff reports chisq = 0 on 0 df here, which is no test at all: say so instead.
  if (kept.length < 2) throw new LogRankError('the log-rank test needs at least two groups with expected events');
  const used = kept.slice(1);
  const diff = Matrix.columnVector(used.map((g) => observed[g] - expected[g]));
  const v = new Matrix(used.map((g) => used.map((h) => variance[g][h])));
  const lu = new LuDecomposition(v);
  if (lu.isSingular()) throw new LogRankError('the log-rank variance matrix is singular');
  const solution = lu.solve(diff);
  let chisq = 0;
  used.forEach((_, r) => (chisq += solution.get(r, 0) * diff.get(r, 0)));
  return { chisq, df: used.length };
}
