// Small-cell suppression for every place that prints counts (report, mail, demo summary, CSV/JSON).
// Primary: a count 0 < n < k is hidden ("<k"). Secondary (complementary) suppression: a printed table
// has linear relations between its counts (a total is the sum of its parts: arm totals, a row's
// received = applied + rejected + ..., events = PORT + PTR alone). A relation with exactly one hidden
// cell gives it away by subtraction, so another cell of that relation is hidden too, the smallest one
// that is at least k, printed "≥k" (true, and no more); repeated until no relation has exactly one
// hidden cell (Hundepool et al., Statistical Disclosure Control, 2012, ch. 4: the classic heuristic).
// Cells a reader already knows from elsewhere (an arm total in the header) are `fixed`: never hidden.

/** `shown`: printed as is; `small`: 0 < n < k, printed "<k"; `complement`: hidden to protect another, printed "≥k". */
export type CellStatus = 'shown' | 'small' | 'complement';

/**
 * A relation with its signs: sum of `plus` = sum of `minus` (e.g. current = previous + new - removed is
 * plus [current, removed], minus [previous, new]). Signed relations also bound hidden cells: "<k" is
 * 1..k-1 and "≥k" at least k, so a hidden cell can be pinned by bounds though two cells are hidden
 * (total 12 = "<11" + "≥11" gives 1 and 11); see `pinnedCells`.
 */
export interface SignedRelation {
  readonly plus: readonly number[];
  readonly minus: readonly number[];
}

/** A table of counts and the sets of cells that add up (each set: one cell is the sum of the others, or any signed sum with zero total). */
export interface CountTable {
  readonly cells: readonly number[];
  /** Index sets of cells bound by one linear relation (e.g. [total, part1, part2]), or signed relations. */
  readonly relations: readonly (readonly number[] | SignedRelation)[];
  /** Indices of cells printed elsewhere (a total in a header or another table): never chosen as a complement. */
  readonly fixed?: readonly number[];
  /**
   * Indices of quantities no output prints (the unclassified patients' counts of a level): unknown to a
   * reader (at least 0), never chosen as a complement; their returned status means nothing.
   */
  readonly unpublished?: readonly number[];
  /** Indices of quantities printed nowhere but known to a reader exactly (sums of printed ones): fixed, whatever their size. */
  readonly derived?: readonly number[];
}

export class SuppressionError extends Error {
  override name = 'SuppressionError';
}

export function isSmallCount(n: number, smallCellMin: number): boolean {
  return n > 0 && n < smallCellMin;
}

const members = (r: readonly number[] | SignedRelation): readonly number[] => ('plus' in r ? [...r.plus, ...r.minus] : r);

/**
 * Small cells that the signed relations pin to one value by bounds: every printed cell is known, a
 * "<k" cell is in [1, k-1], a "≥k" cell in [k, ∞), an unpublished one in [0, ∞); intervals are narrowed
 * through each relation (integers) until nothing changes (interval propagation, as in an auditor's
 * "feasibility interval" check; Hundepool et al. 2012, sec. 4.3).
 */
export function pinnedCells(table: CountTable, status: readonly CellStatus[], hidden: ReadonlySet<number>, smallCellMin: number): number[] {
  const lo = table.cells.map((c, i) => (!hidden.has(i) ? c : status[i] === 'small' ? 1 : status[i] === 'complement' && !(table.unpublished ?? []).includes(i) ? smallCellMin : 0));
  const hi = table.cells.map((c, i) => (!hidden.has(i) ? c : status[i] === 'small' && !(table.unpublished ?? []).includes(i) ? smallCellMin - 1 : Infinity));
  const signed = table.relations.filter((r): r is SignedRelation => 'plus' in r);
  for (let round = 0, changed = true; changed && round < 100; round++) {
    changed = false;
    for (const r of signed) {
      const terms: [number, number][] = [...r.plus.map((i): [number, number] => [i, 1]), ...r.minus.map((i): [number, number] => [i, -1])];
      for (const [i, c] of terms) {
        // c * x_i = -sum(others): the others' range gives x_i's.
        let low = 0;
        let high = 0;
        for (const [j, d] of terms) {
          if (j === i) continue;
          low -= d > 0 ? d * hi[j] : d * lo[j];
          high -= d > 0 ? d * lo[j] : d * hi[j];
        }
        const [a, b] = c > 0 ? [low, high] : [-high, -low];
        if (Number.isFinite(a) && Math.ceil(a) > lo[i]) { lo[i] = Math.ceil(a); changed = true; }
        if (Number.isFinite(b) && Math.floor(b) < hi[i]) { hi[i] = Math.floor(b); changed = true; }
      }
    }
  }
  // The small cells are what is protected; a complement pinned by bounds reveals only a count of at least k.
  return [...hidden].filter((i) => status[i] === 'small' && !(table.unpublished ?? []).includes(i) && lo[i] === hi[i]);
}

/** The status of every cell of a table under primary and complementary suppression. */
export function suppressCounts(table: CountTable, smallCellMin: number): CellStatus[] {
  // A small count found public by bounds (below) is known to every reader: start again with it
  // printed as it is, so that no complement hidden only for its sake is left behind.
  const publicByBounds = new Set<number>();
  for (;;) {
    const outcome = suppressOnce(table, smallCellMin, publicByBounds);
    if (typeof outcome !== 'number') return outcome;
    publicByBounds.add(outcome);
  }
}

/** One pass: the statuses, or the index of a small count that bounds make public (nothing left to hide). */
function suppressOnce(table: CountTable, smallCellMin: number, publicByBounds: ReadonlySet<number>): CellStatus[] | number {
  const derived = new Set([...(table.derived ?? []), ...publicByBounds]);
  const fixed = new Set([...(table.fixed ?? []), ...derived]);
  const unpublished = new Set(table.unpublished ?? []);
  // A public cell that is itself small is printed "<k" wherever it appears, so it counts as hidden.
  const status: CellStatus[] = table.cells.map((c, i) => (unpublished.has(i) ? 'complement' : isSmallCount(c, smallCellMin) && !derived.has(i) ? 'small' : 'shown'));
  // Public by subtraction: a relation whose other cells are all printed elsewhere in full (fixed and not
  // small) or zero gives its last cell away whatever this table prints, so hiding it would protect nothing and
  // claim a protection that is not there: it is printed as it is (e.g. the change between two looks whose
  // event counts the monitoring tables print).
  // Zeros are never hidden (nothing to protect; never a complement), so they are known too.
  const known = new Set([...[...fixed].filter((i) => status[i] === 'shown'), ...table.cells.flatMap((c, i) => (c === 0 && !unpublished.has(i) ? [i] : []))]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const r of table.relations) {
      const rest = members(r).filter((i) => !known.has(i));
      if (rest.length === 1 && !unpublished.has(rest[0])) {
        known.add(rest[0]);
        fixed.add(rest[0]);
        status[rest[0]] = 'shown';
        changed = true;
      }
    }
  }
  const isHidden = (i: number) => status[i] !== 'shown';
  const partnerIn = (relation: readonly number[]) => {
    let partner = -1;
    for (const i of relation) {
      if (isHidden(i) || fixed.has(i) || table.cells[i] < smallCellMin) continue;
      if (partner < 0 || table.cells[i] < table.cells[partner]) partner = i;
    }
    return partner;
  };
  for (let round = 0; ; round++) {
    for (let changed = true; changed; ) {
      changed = false;
      for (const r of table.relations) {
        const relation = members(r);
        const hidden = relation.filter(isHidden);
        // An unpublished quantity is nobody's suppressed cell: a relation that gives it away discloses nothing printed.
        if (hidden.length !== 1 || unpublished.has(hidden[0])) continue;
        const partner = partnerIn(relation);
        if (partner < 0) {
          // Only zeros and public cells left: the hidden one equals a public difference. It cannot be
          // protected without withholding the whole relation, which the caller must decide to do.
          throw new SuppressionError(`a suppressed count of ${relation.length} related cells cannot be protected by a complementary cell`);
        }
        status[partner] = 'complement';
        changed = true;
      }
    }
    // Bounds: a hidden cell pinned by the signed relations gets another complement in one of its relations.
    const hidden = new Set(table.cells.map((_, i) => i).filter(isHidden));
    const pinned = round <= table.cells.length ? pinnedCells(table, status, hidden, smallCellMin) : [];
    let added = false;
    for (const i of pinned) {
      // The nearest relation with a cell left to hide: the pinned cell's own, then those of the hidden
      // cells it is tied to (a pin may come from bounds several relations away).
      const seen = new Set([i]);
      for (let queue = [i]; queue.length > 0 && !added; ) {
        const next: number[] = [];
        for (const h of queue) {
          for (const r of table.relations.filter((x) => 'plus' in x && members(x).includes(h))) {
            const partner = partnerIn(members(r));
            if (partner >= 0) {
              status[partner] = 'complement';
              added = true;
              break;
            }
            for (const j of members(r)) if (isHidden(j) && !seen.has(j)) { seen.add(j); next.push(j); }
          }
          if (added) break;
        }
        queue = next;
      }
      if (added) break;
    }
    if (!added) {
      if (pinned.length === 0) return status;
      // Pinned, and every cell that could widen its bounds is printed in full or zero: a reader knows
      // it exactly from what is published (e.g. Table 1's missing T category of all patients, when the
      // groups are defined by T category and only the unclassified can lack it). Public by bounds, like
      // a count public by subtraction: printed as it is rather than as a protection that is not there.
      return pinned[0];
    }
  }
}

/** Relations of a one-dimensional table: `total` is the sum of `parts`. */
export function sumRelation(total: number, parts: readonly number[]): number[] {
  return [total, ...parts];
}

export const suppressedText = (smallCellMin: number): string => `<${smallCellMin}`;
/** The printed form of a complement-suppressed count: true (it is at least the threshold) and no more. */
export const complementText = (smallCellMin: number): string => `\u2265${smallCellMin}`;
/** The exported form (ASCII, as CSV readers expect). */
export const complementCell = (smallCellMin: number): string => `>=${smallCellMin}`;

/** A count as printed under its status: "1,234", "<11" or "≥11". */
export function printedCount(n: number, status: CellStatus, smallCellMin: number): string {
  if (status === 'small') return suppressedText(smallCellMin);
  if (status === 'complement') return complementText(smallCellMin);
  return n.toLocaleString('en-US');
}

/** A count as exported (CSV/JSON): the integer, "<11" or ">=11" (never the hidden value). */
export function exportedCount(n: number, status: CellStatus, smallCellMin: number): number | string {
  if (status === 'small') return suppressedText(smallCellMin);
  if (status === 'complement') return complementCell(smallCellMin);
  return n;
}

/** The statuses of the cells of one relation (`[total, ...parts]`), the common case of a row. */
export function suppressRow(total: number, parts: readonly number[], smallCellMin: number): { total: CellStatus; parts: CellStatus[] } {
  const status = suppressCounts({ cells: [total, ...parts], relations: [[0, ...parts.map((_, i) => i + 1)]] }, smallCellMin);
  return { total: status[0], parts: status.slice(1) };
}

/**
 * Per-arm counts whose total is printed elsewhere (the models table's n and events): a small arm
 * count hides the other arm's too, or the total would give it away.
 */
export function suppressArms(counts: { readonly ptr: number; readonly port: number }, smallCellMin: number): { ptr: CellStatus; port: CellStatus } {
  const s = suppressCounts({ cells: [counts.ptr + counts.port, counts.ptr, counts.port], relations: [[0, 1, 2]], fixed: [0] }, smallCellMin);
  return { ptr: s[1], port: s[2] };
}
