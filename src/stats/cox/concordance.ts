/**
 * Harrell's concordance of a Cox fit as survival's concordancefit(y, lp, strata, weights, cluster,
 * reverse = TRUE, timefix = FALSE): pairs compared within strata, weighted by w_i·w_j, ties in the risk
 * score count ½, pairs tied on the event time excluded; its standard error is the infinitesimal
 * jackknife (dfbeta of Somers' d, summed within cluster), Therneau & Atkinson, "The concordance statistic".
 *
 * Each death i is compared with every row j at risk at t_i that is not itself a death at t_i (a row
 * censored at t_i is at risk). Fenwick trees over the ranks of the risk score make it O(n log n).
 * Rows are in the prepared order: sorted by (stratum, stop ascending).
 */
import { argsortWithCodes } from './argsort.ts';
import type { ConcordanceCounts } from './types.ts';

export interface ConcordanceInput {
  /** Sorted by stop within stratum. */
  stop: Float64Array;
  /** Interval starts for counting-process data (rows at risk on (start, stop]). */
  start: Float64Array | null;
  /** Positions ordered by (stratum, start descending), for counting-process data. */
  byStartDesc: Int32Array | null;
  event: Uint8Array;
  /** Risk score; a higher score should mean an earlier event. */
  score: Float64Array;
  weight: Float64Array;
  /** Positions where each stratum begins, plus n. */
  strataBounds: Int32Array;
  /** Dense cluster code per row (0..k-1), or null for none. */
  cluster: Int32Array | null;
}

export interface ConcordanceResult {
  value: number;
  se: number;
  counts: ConcordanceCounts;
}

/** Weights by score rank: total, weight at a rank, weight strictly below a rank. */
interface RankTree {
  readonly equal: Float64Array | Int32Array;
  total: number;
  add(rank: number, w: number): void;
  below(rank: number): number;
  /** Back to empty without reallocating (subtracting leaves rounding residue). */
  clear(ranks: Int32Array, lo: number, hi: number): void;
}

class Fenwick implements RankTree {
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
  below(rank: number): number {
    let s = 0;
    for (let i = rank; i > 0; i -= i & -i) s += this.tree[i];
    return s;
  }
  clear(ranks: Int32Array, lo: number, hi: number): void {
    for (let k = lo; k < hi; k++) {
      const r = ranks[k];
      this.equal[r] = 0;
      for (let i = r + 1; i < this.tree.length; i += i & -i) this.tree[i] = 0;
    }
    this.total = 0;
  }
}

const BLOCK_BITS = 4;
/** Deaths at one time up to which ties on score are found by comparing them pairwise (unit weights). */
const PAIRWISE_DEATHS = 32;
const BLOCK_MASK = (1 << BLOCK_BITS) - 1;

/**
 * Counts by rank for unit weights, where every sum is an integer below 2^31 and so exact in any order:
 * the results are identical to Fenwick's. The million-rank Fenwick tree's random walks were most of the
 * concordance's time; here a rank's count sits in `equal`, and a small Fenwick tree (in cache) counts
 * blocks of 16 ranks, so "below" is a walk of that small tree plus a scan of at most 15 neighbouring
 * counts (one cache line or two).
 */
class BlockCounts implements RankTree {
  readonly equal: Int32Array;
  private readonly blocks: Int32Array;
  total = 0;
  constructor(size: number) {
    this.equal = new Int32Array(size);
    this.blocks = new Int32Array((size >>> BLOCK_BITS) + 2);
  }
  add(rank: number, w: number): void {
    this.total += w;
    this.equal[rank] += w;
    const blocks = this.blocks;
    for (let i = (rank >>> BLOCK_BITS) + 1; i < blocks.length; i += i & -i) blocks[i] += w;
  }
  below(rank: number): number {
    const blocks = this.blocks;
    let s = 0;
    for (let i = rank >>> BLOCK_BITS; i > 0; i -= i & -i) s += blocks[i];
    const equal = this.equal;
    for (let r = rank & ~BLOCK_MASK; r < rank; r++) s += equal[r];
    return s;
  }
  clear(ranks: Int32Array, lo: number, hi: number): void {
    const blocks = this.blocks;
    for (let k = lo; k < hi; k++) {
      const r = ranks[k];
      this.equal[r] = 0;
      for (let i = (r >>> BLOCK_BITS) + 1; i < blocks.length; i += i & -i) blocks[i] = 0;
    }
    this.total = 0;
  }
}

/** Dense ranks of the scores (equal scores share a rank) and the number of distinct scores. */
function denseRanks(score: Float64Array): { rank: Int32Array; size: number } {
  const { order, lo, hi } = argsortWithCodes(score);
  let nan = false;
  for (let i = 0; i < score.length; i++) if (score[i] !== score[i]) nan = true;
  const rank = new Int32Array(score.length);
  let size = 0;
  for (let k = 0; k < order.length; k++) {
    // Equal codes are equal scores (read in sorted order, not by index); NaN, unequal to itself, by value.
    if (k > 0 && (nan ? score[order[k]] !== score[order[k - 1]] : lo[k] !== lo[k - 1] || hi[k] !== hi[k - 1])) size++;
    rank[order[k]] = size;
  }
  return { rank, size: order.length === 0 ? 0 : size + 1 };
}

interface Work {
  rank: Int32Array;
  counts: ConcordanceCounts;
  /** Influence of each row on the weighted concordant, discordant and tied-on-score counts. */
  conc: Float64Array;
  disc: Float64Array;
  tied: Float64Array;
  atRisk: RankTree;
  deaths: RankTree;
  /** Every weight is 1: all sums are integers. */
  unitWeights: boolean;
  /** Per-rank scratch sums for the deaths of one time (kept all zero between uses). */
  scratchW: Float64Array;
  scratchW2: Float64Array;
}

/** Backward in time: each death against the rows at risk (its influence as the death). */
function deathsAgainstRiskSets(input: ConcordanceInput, w: Work, lo: number, hi: number, last: boolean): void {
  const { stop, start, byStartDesc, event, weight } = input;
  const { rank, counts, atRisk } = w;
  let leave = lo;
  let k = hi - 1;
  while (k >= lo) {
    const t = stop[k];
    if (start !== null && byStartDesc !== null) {
      for (; leave < hi && start[byStartDesc[leave]] >= t; leave++) atRisk.add(rank[byStartDesc[leave]], -weight[byStartDesc[leave]]);
    }
    const top = k;
    let bottom = k;
    while (bottom - 1 >= lo && stop[bottom - 1] === t) bottom--;
    for (let r = bottom; r <= top; r++) if (event[r] === 0) atRisk.add(rank[r], weight[r]);
    let deadWeight = 0;
    let deadSquares = 0;
    let nDead = 0;
    for (let r = bottom; r <= top; r++) {
      if (event[r] !== 1) continue;
      nDead++;
      const q = rank[r];
      const below = atRisk.below(q);
      const equal = atRisk.equal[q];
      const above = atRisk.total - below - equal;
      const wr = weight[r];
      counts.concordant += wr * below;
      counts.discordant += wr * above;
      counts.tiedX += wr * equal;
      w.conc[r] += below;
      w.disc[r] += above;
      w.tied[r] += equal;
      deadWeight += wr;
      deadSquares += wr * wr;
    }
    if (deadWeight > 0) {
      counts.tiedY += (deadWeight * deadWeight - deadSquares) / 2;
      // Deaths tied on time and score: per score rank, (W² − Σw²)/2 pairs. A lone death adds (w² − w²)/2
      // = +0, which changes nothing: skipped. With unit weights every term is an integer (exact in any
      // order), so a few deaths are compared pairwise instead of through the rank-indexed scratch arrays
      // (a cache miss per death at a million ranks).
      if (nDead === 1) {
        // nothing tied
      } else if (w.unitWeights && nDead <= PAIRWISE_DEATHS) {
        for (let a = bottom; a <= top; a++) {
          if (event[a] !== 1) continue;
          const q = rank[a];
          for (let b = a + 1; b <= top; b++) if (event[b] === 1 && rank[b] === q) counts.tiedXY += 1;
        }
      } else {
        tiedOnScore(w, event, weight, rank, counts, bottom, top);
      }
      for (let r = bottom; r <= top; r++) if (event[r] === 1) atRisk.add(rank[r], weight[r]);
    }
    k = bottom - 1;
  }
  // The trees are shared by the strata; the last one need not leave them empty.
  if (!last) atRisk.clear(rank, lo, hi);
}

/** Deaths of one time [bottom, top] tied on score, through the per-rank scratch sums. */
function tiedOnScore(w: Work, event: Uint8Array, weight: Float64Array, rank: Int32Array, counts: ConcordanceCounts, bottom: number, top: number): void {
  for (let r = bottom; r <= top; r++) {
    if (event[r] !== 1) continue;
    w.scratchW[rank[r]] += weight[r];
    w.scratchW2[rank[r]] += weight[r] * weight[r];
  }
  for (let r = bottom; r <= top; r++) {
    const q = rank[r];
    if (event[r] !== 1 || w.scratchW[q] === 0) continue;
    counts.tiedXY += (w.scratchW[q] * w.scratchW[q] - w.scratchW2[q]) / 2;
    w.scratchW[q] = 0;
    w.scratchW2[q] = 0;
  }
}

/**
 * Forward in time: each row's influence as a member of the deaths' risk sets, as the deaths up to its
 * stop (those at its stop only if it is censored) minus the deaths up to its start.
 */
function rowsAsRiskSetMembers(input: ConcordanceInput, w: Work, lo: number, hi: number, last: boolean): void {
  const { stop, start, byStartDesc, event, weight } = input;
  const { rank, deaths } = w;
  const member = (r: number, sign: number): void => {
    const q = rank[r];
    const below = deaths.below(q);
    const equal = deaths.equal[q];
    const above = deaths.total - below - equal;
    w.conc[r] += sign * above;
    w.disc[r] += sign * below;
    w.tied[r] += sign * equal;
  };
  // byStartDesc within this stratum, read backwards, is ascending start.
  let enter = hi - 1;
  let k = lo;
  while (k < hi) {
    const t = stop[k];
    if (start !== null && byStartDesc !== null) {
      for (; enter >= lo && start[byStartDesc[enter]] < t; enter--) member(byStartDesc[enter], -1);
    }
    let end = k;
    while (end + 1 < hi && stop[end + 1] === t) end++;
    for (let r = k; r <= end; r++) if (event[r] === 1) member(r, 1);
    for (let r = k; r <= end; r++) if (event[r] === 1) deaths.add(rank[r], weight[r]);
    for (let r = k; r <= end; r++) if (event[r] === 0) member(r, 1);
    k = end + 1;
  }
  if (byStartDesc !== null) for (; enter >= lo; enter--) member(byStartDesc[enter], -1);
  if (!last) deaths.clear(rank, lo, hi);
}

export function concordance(input: ConcordanceInput): ConcordanceResult {
  const n = input.stop.length;
  const { rank, size } = denseRanks(input.score);
  let unitWeights = true;
  for (let i = 0; i < n && unitWeights; i++) if (input.weight[i] !== 1) unitWeights = false;
  const w: Work = {
    rank,
    unitWeights,
    counts: { concordant: 0, discordant: 0, tiedX: 0, tiedY: 0, tiedXY: 0 },
    conc: new Float64Array(n),
    disc: new Float64Array(n),
    tied: new Float64Array(n),
    atRisk: unitWeights ? new BlockCounts(size) : new Fenwick(size),
    deaths: unitWeights ? new BlockCounts(size) : new Fenwick(size),
    scratchW: new Float64Array(size),
    scratchW2: new Float64Array(size),
  };
  const bounds = input.strataBounds;
  for (let s = 0; s + 1 < bounds.length; s++) {
    const last = s + 2 === bounds.length;
    deathsAgainstRiskSets(input, w, bounds[s], bounds[s + 1], last);
    rowsAsRiskSetMembers(input, w, bounds[s], bounds[s + 1], last);
  }
  const { counts } = w;
  // R counts a pair tied on both time and score as tied_xy only, not also as tied_y.
  counts.tiedY -= counts.tiedXY;
  const npair = counts.concordant + counts.discordant + counts.tiedX;
  const somers = (counts.concordant - counts.discordant) / npair;
  let variance = 0;
  const clusterSums = input.cluster === null ? null : new Float64Array(input.cluster.reduce((m, c) => Math.max(m, c), 0) + 1);
  for (let i = 0; i < n; i++) {
    const d = input.weight[i] * ((w.conc[i] - w.disc[i]) / npair - (somers / npair) * (w.conc[i] + w.disc[i] + w.tied[i]));
    if (clusterSums === null || input.cluster === null) variance += d * d;
    else clusterSums[input.cluster[i]] += d;
  }
  if (clusterSums !== null) for (const d of clusterSums) variance += d * d;
  return { value: (somers + 1) / 2, se: Math.sqrt(variance / 4), counts };
}
