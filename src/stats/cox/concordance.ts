/**
 * Harrell's concordance of a Cox fit as survival's concordancefit(y, lp, strata, weights, cluster,
 * reverse = TRUE, timefix = FALSE): pairs compared within strata, weighted by w_i·w_j, ties in the risk
 * score count ½, pairs tied on the event time excluded; its standard error is the infinitesimal
 * jackknife (dfbeta of Somers' d, summed within cluster), Therneau & Atkinson, "The concordance statistic".
 *
 * Each death i is compared with every row j at risk at t_i that is not itself a death at t_i (a row
 * censored at t_i is at risk). Fenwick trees over the ranks of the risk score make it O(n log n).
 */
import type { ConcordanceCounts } from './types.ts';

export interface ConcordanceInput {
  stop: Float64Array;
  /** Interval starts for counting-process data (rows at risk on (start, stop]). */
  start: Float64Array | null;
  event: Uint8Array;
  /** Risk score; a higher score should mean an earlier event. */
  score: Float64Array;
  weight: Float64Array;
  /** Rows of each stratum. */
  strata: Int32Array[];
  cluster: Int32Array | null;
}

export interface ConcordanceResult {
  value: number;
  se: number;
  counts: ConcordanceCounts;
}

class Fenwick {
  private readonly tree: Float64Array;
  readonly equal: Float64Array;
  total = 0;
  constructor(size: number) {
    this.tree = new Float64Array(size + 1);
    this.equal = new Float64Array(size);
  }
  add(rank: number, w: number): void {
    this.total += w;
    this.equal[rank] += w;
    for (let i = rank + 1; i < this.tree.length; i += i & -i) this.tree[i] += w;
  }
  /** Weight strictly below rank. */
  below(rank: number): number {
    let s = 0;
    for (let i = rank; i > 0; i -= i & -i) s += this.tree[i];
    return s;
  }
}

/** Influence of each row on the weighted (concordant, discordant, tied-on-score) counts. */
interface Influence {
  conc: Float64Array;
  disc: Float64Array;
  tied: Float64Array;
}

function ranks(score: Float64Array, rows: Int32Array): { rank: Int32Array; size: number } {
  const values = Float64Array.from(rows, (r) => score[r]).sort();
  const distinct: number[] = [];
  for (const v of values) if (distinct.length === 0 || distinct[distinct.length - 1] !== v) distinct.push(v);
  const index = new Map<number, number>();
  distinct.forEach((v, i) => index.set(v, i));
  return { rank: Int32Array.from(rows, (r) => index.get(score[r]) ?? 0), size: distinct.length };
}

/** Distinct-time groups of the rows, descending by stop time. */
function groupsByStopDesc(rows: Int32Array, stop: Float64Array): Int32Array[] {
  const sorted = Int32Array.from(rows).sort((a, b) => stop[b] - stop[a]);
  const groups: Int32Array[] = [];
  let begin = 0;
  for (let k = 1; k <= sorted.length; k++) {
    if (k === sorted.length || stop[sorted[k]] !== stop[sorted[begin]]) {
      groups.push(sorted.subarray(begin, k));
      begin = k;
    }
  }
  return groups;
}

function stratumCounts(input: ConcordanceInput, rows: Int32Array, counts: ConcordanceCounts, infl: Influence): void {
  const { stop, start, event, weight } = input;
  const { rank: localRank, size } = ranks(input.score, rows);
  const rankOf = new Map<number, number>();
  rows.forEach((r, k) => rankOf.set(r, localRank[k]));
  const rk = (r: number): number => rankOf.get(r) ?? 0;
  const groups = groupsByStopDesc(rows, stop);

  // Backward in time: each death against the rows at risk (its own influence as the death).
  const atRisk = new Fenwick(size);
  const byStartDesc = start === null ? null : Int32Array.from(rows).sort((a, b) => start[b] - start[a]);
  let leave = 0;
  for (const group of groups) {
    const t = stop[group[0]];
    if (byStartDesc !== null && start !== null) {
      for (; leave < byStartDesc.length && start[byStartDesc[leave]] >= t; leave++) {
        atRisk.add(rk(byStartDesc[leave]), -weight[byStartDesc[leave]]);
      }
    }
    for (const r of group) if (event[r] === 0) atRisk.add(rk(r), weight[r]);
    let deadWeight = 0;
    let deadSquares = 0;
    const deadByRank = new Map<number, number>();
    for (const r of group) {
      if (event[r] !== 1) continue;
      const q = rk(r);
      const below = atRisk.below(q);
      const equal = atRisk.equal[q];
      const above = atRisk.total - below - equal;
      const w = weight[r];
      counts.concordant += w * below;
      counts.discordant += w * above;
      counts.tiedX += w * equal;
      infl.conc[r] += below;
      infl.disc[r] += above;
      infl.tied[r] += equal;
      deadWeight += w;
      deadSquares += w * w;
      deadByRank.set(q, (deadByRank.get(q) ?? 0) + w);
    }
    counts.tiedY += (deadWeight * deadWeight - deadSquares) / 2;
    for (const [, wsum] of deadByRank) counts.tiedXY += wsum * wsum;
    for (const r of group) {
      if (event[r] === 1) {
        const w = weight[r];
        counts.tiedXY -= w * w;
        atRisk.add(rk(r), w);
      }
    }
  }

  // Forward in time: each row's influence as a member of the deaths' risk sets, as the deaths before its
  // stop (deaths at its stop too if it is censored) minus the deaths up to its start.
  const deaths = new Fenwick(size);
  const member = (r: number, sign: number): void => {
    const q = rk(r);
    const below = deaths.below(q);
    const equal = deaths.equal[q];
    const above = deaths.total - below - equal;
    infl.conc[r] += sign * above;
    infl.disc[r] += sign * below;
    infl.tied[r] += sign * equal;
  };
  const ascending = groups.slice().reverse();
  const startsAsc = byStartDesc === null ? null : byStartDesc.slice().reverse();
  let enter = 0;
  for (const group of ascending) {
    const t = stop[group[0]];
    if (startsAsc !== null && start !== null) {
      for (; enter < startsAsc.length && start[startsAsc[enter]] < t; enter++) member(startsAsc[enter], -1);
    }
    for (const r of group) if (event[r] === 1) member(r, 1);
    for (const r of group) if (event[r] === 1) deaths.add(rk(r), weight[r]);
    for (const r of group) if (event[r] === 0) member(r, 1);
  }
  if (startsAsc !== null) for (; enter < startsAsc.length; enter++) member(startsAsc[enter], -1);
}

export function concordance(input: ConcordanceInput): ConcordanceResult {
  const n = input.stop.length;
  const counts: ConcordanceCounts = { concordant: 0, discordant: 0, tiedX: 0, tiedY: 0, tiedXY: 0 };
  const infl: Influence = { conc: new Float64Array(n), disc: new Float64Array(n), tied: new Float64Array(n) };
  for (const rows of input.strata) stratumCounts(input, rows, counts, infl);
  counts.tiedXY /= 2;
  // R counts a pair tied on both time and score as tied_xy only, not also as tied_y.
  counts.tiedY -= counts.tiedXY;
  const npair = counts.concordant + counts.discordant + counts.tiedX;
  const somers = (counts.concordant - counts.discordant) / npair;
  const dfbeta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    dfbeta[i] = input.weight[i] * ((infl.conc[i] - infl.disc[i]) / npair - (somers / npair) * (infl.conc[i] + infl.disc[i] + infl.tied[i]));
  }
  let variance = 0;
  if (input.cluster === null) {
    for (const d of dfbeta) variance += d * d;
  } else {
    const sums = new Map<number, number>();
    for (let i = 0; i < n; i++) sums.set(input.cluster[i], (sums.get(input.cluster[i]) ?? 0) + dfbeta[i]);
    for (const [, d] of sums) variance += d * d;
  }
  return { value: (somers + 1) / 2, se: Math.sqrt(variance / 4), counts };
}
