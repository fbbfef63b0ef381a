// Gray's K-sample test of equal cumulative incidence of one cause across groups (Gray RJ, "A class of
// K-sample tests for comparing the cumulative incidence of a competing risk", Ann. Statist. 16 (1988)
// 1141-1154), computed as cmprsk's `cuminc` does (Fortran `crstm`/`crst`, cmprsk 2.2-11): per stratum,
// a score for each of the first K−1 groups and its variance from the asymptotic representation
// (the paper's section 3), summed over strata; statistic s' V⁻¹ s on K−1 df.
import { LuDecomposition, Matrix } from 'ml-matrix';
import { pchisqUpper } from '../distributions.ts';
import type { Grouping } from '../km/types.ts';

export class GrayTestError extends Error {
  override name = 'GrayTestError';
}

export interface GrayTestInput {
  time: Float64Array;
  /** 0 = censored, c ≥ 1 = failed from cause c (as `CompetingRisksData.status`). */
  status: Int32Array;
  group: Grouping;
  strata?: Grouping;
  /** Weight power: the score's weight is (1 − F̂(t−))^ρ of the pooled CIF (ρ = 0, cmprsk's default). */
  rho?: number;
}

export interface GrayTestResult {
  /** The cause tested (a status code ≥ 1). */
  cause: number;
  stat: number;
  df: number;
  p: number;
}

/** One stratum's scores (first K−1 groups) and their packed lower-triangular covariance. */
interface StratumScore {
  score: Float64Array;
  variance: Float64Array[];
}

/**
 * One stratum of rows sorted by time. `mark[i]` is 1 for the cause of interest, 2 for any other cause,
 * 0 censored; `grp[i]` in 0..k−1.
 */
function stratumScore(time: Float64Array, mark: Uint8Array, grp: Int32Array, k: number, rho: number): StratumScore {
  const k1 = k - 1;
  const atRisk = new Float64Array(k);
  for (let i = 0; i < grp.length; i++) atRisk[grp[i]]++;
  const score = new Float64Array(k1);
  const variance = Array.from({ length: k1 }, () => new Float64Array(k1));
  // Left- (…Before) and right-continuous per-group KM of any event and CIF of the cause.
  const kmBefore = new Float64Array(k).fill(1);
  const km = new Float64Array(k).fill(1);
  const cifBefore = new Float64Array(k);
  const cif = new Float64Array(k);
  const c = Array.from({ length: k }, () => new Float64Array(k));
  const a = Array.from({ length: k }, () => new Float64Array(k));
  const v3 = new Float64Array(k);
  const v2 = Array.from({ length: k1 }, () => new Float64Array(k));
  const d1 = new Float64Array(k);
  const d2 = new Float64Array(k);
  let pooledBefore = 0;
  let pooled = 0;
  const n = time.length;
  for (let lo = 0; lo < n; ) {
    let hi = lo;
    while (hi + 1 < n && time[hi + 1] === time[lo]) hi++;
    d1.fill(0);
    d2.fill(0);
    for (let i = lo; i <= hi; i++) {
      if (mark[i] === 1) d1[grp[i]]++;
      else if (mark[i] === 2) d2[grp[i]]++;
    }
    let nd1 = 0;
    let nd2 = 0;
    for (let g = 0; g < k; g++) { nd1 += d1[g]; nd2 += d2[g]; }
    if (nd1 > 0 || nd2 > 0) {
      // tr = Σ_r ĥ_r, tq = Σ_r R_r in the paper's notation.
      let tr = 0;
      let tq = 0;
      for (let g = 0; g < k; g++) {
        if (atRisk[g] <= 0) continue;
        km[g] = (kmBefore[g] * (atRisk[g] - d1[g] - d2[g])) / atRisk[g];
        cif[g] = cifBefore[g] + (kmBefore[g] * d1[g]) / atRisk[g];
        tr += atRisk[g] / kmBefore[g];
        tq += (atRisk[g] * (1 - cifBefore[g])) / kmBefore[g];
      }
      pooled = pooledBefore + nd1 / tr;
      const weight = Math.pow(1 - pooledBefore, rho);
      for (let i = 0; i < k; i++) {
        for (let j = i; j < k; j++) a[i][j] = 0;
        if (atRisk[i] <= 0) continue;
        const hi_ = atRisk[i] / kmBefore[i];
        a[i][i] = weight * hi_ * (1 - hi_ / tr);
        c[i][i] += (a[i][i] * nd1) / (tr * (1 - pooledBefore));
        for (let j = i + 1; j < k; j++) {
          if (atRisk[j] <= 0) continue;
          a[i][j] = (-weight * hi_ * atRisk[j]) / (kmBefore[j] * tr);
          c[i][j] += (a[i][j] * nd1) / (tr * (1 - pooledBefore));
        }
      }
      for (let i = 1; i < k; i++) for (let j = 0; j < i; j++) { a[i][j] = a[j][i]; c[i][j] = c[j][i]; }
      for (let i = 0; i < k1; i++) {
        if (atRisk[i] <= 0) continue;
        score[i] += weight * (d1[i] - (nd1 * atRisk[i] * (1 - cifBefore[i])) / (kmBefore[i] * tq));
      }
      if (nd1 > 0) {
        for (let g = 0; g < k; g++) {
          if (atRisk[g] <= 0) continue;
          const t4 = km[g] > 0 ? 1 - (1 - pooled) / km[g] : 1;
          const t5 = nd1 > 1 ? 1 - (nd1 - 1) / (tr * kmBefore[g] - 1) : 1;
          const t3 = (t5 * kmBefore[g] * nd1) / (tr * atRisk[g]);
          v3[g] += t4 * t4 * t3;
          for (let i = 0; i < k1; i++) {
            const t1 = a[i][g] - t4 * c[i][g];
            v2[i][g] += t1 * t4 * t3;
            for (let j = 0; j <= i; j++) variance[i][j] += t1 * (a[j][g] - t4 * c[j][g]) * t3;
          }
        }
      }
      if (nd2 > 0) {
        for (let g = 0; g < k; g++) {
          if (km[g] <= 0 || d2[g] <= 0) continue;
          const t4 = (1 - pooled) / km[g];
          const t5 = d2[g] > 1 ? 1 - (d2[g] - 1) / (atRisk[g] - 1) : 1;
          const t3 = (t5 * kmBefore[g] * kmBefore[g] * d2[g]) / (atRisk[g] * atRisk[g]);
          v3[g] += t4 * t4 * t3;
          for (let i = 0; i < k1; i++) {
            const t1 = t4 * c[i][g];
            v2[i][g] -= t1 * t4 * t3;
            for (let j = 0; j <= i; j++) variance[i][j] += t1 * t4 * c[j][g] * t3;
          }
        }
      }
    }
    for (let i = lo; i <= hi; i++) atRisk[grp[i]]--;
    pooledBefore = pooled;
    cifBefore.set(cif);
    kmBefore.set(km);
    lo = hi + 1;
  }
  for (let i = 0; i < k1; i++) {
    for (let j = 0; j <= i; j++) {
      for (let g = 0; g < k; g++) variance[i][j] += c[i][g] * c[j][g] * v3[g] + c[i][g] * v2[j][g] + c[j][g] * v2[i][g];
      variance[j][i] = variance[i][j];
    }
  }
  return { score, variance };
}

function presentCodes(grouping: Grouping, rows: readonly number[]): number[] {
  const seen = new Uint8Array(grouping.labels.length);
  for (const i of rows) seen[grouping.codes[i]] = 1;
  const codes: number[] = [];
  seen.forEach((flag, code) => flag && codes.push(code));
  return codes;
}

/**
 * Gray's test for every cause present (sorted status codes ≥ 1), as `cuminc(ftime, fstatus, group,
 * strata, rho, cencode = 0)$Tests`. Rows with a non-finite time are dropped (R's na.omit). Throws
 * GrayTestError with fewer than two groups or when the variance is singular (e.g. no event of the
 * cause in any group).
 */
export function grayTest(input: GrayTestInput): GrayTestResult[] {
  const rho = input.rho ?? 0;
  // cmprsk compares times exactly (no survival-style timefix); the plan's times are whole days.
  const time = input.time;
  const rows: number[] = [];
  for (let i = 0; i < time.length; i++) if (Number.isFinite(time[i])) rows.push(i);
  const groups = presentCodes(input.group, rows);
  const k = groups.length;
  if (k < 2) throw new GrayTestError("Gray's test needs at least two groups");
  const groupIndex = new Int32Array(input.group.labels.length).fill(-1);
  groups.forEach((code, g) => (groupIndex[code] = g));
  const strata = input.strata ? presentCodes(input.strata, rows) : [0];
  const byStratum = new Map<number, number[]>(strata.map((s) => [s, []]));
  for (const i of rows) byStratum.get(input.strata ? input.strata.codes[i] : 0)?.push(i);
  for (const members of byStratum.values()) members.sort((x, y) => time[x] - time[y]);
  const causes = [...new Set(rows.map((i) => input.status[i]).filter((s) => s !== 0))].sort((x, y) => x - y);

  return causes.map((cause) => {
    const score = new Float64Array(k - 1);
    const variance = Array.from({ length: k - 1 }, () => new Float64Array(k - 1));
    for (const members of byStratum.values()) {
      const st = stratumScore(
        Float64Array.from(members, (i) => time[i]),
        Uint8Array.from(members, (i) => (input.status[i] === 0 ? 0 : input.status[i] === cause ? 1 : 2)),
        Int32Array.from(members, (i) => groupIndex[input.group.codes[i]]),
        k, rho,
      );
      for (let i = 0; i < k - 1; i++) {
        score[i] += st.score[i];
        for (let j = 0; j < k - 1; j++) variance[i][j] += st.variance[i][j];
      }
    }
    const lu = new LuDecomposition(new Matrix(variance.map((r) => [...r])));
    if (lu.isSingular()) throw new GrayTestError(`Gray's test for cause ${cause}: the score variance is singular`);
    const s = Matrix.columnVector([...score]);
    const stat = s.transpose().mmul(lu.solve(s)).get(0, 0);
    return { cause, stat, df: k - 1, p: pchisqUpper(stat, k - 1) };
  });
}
