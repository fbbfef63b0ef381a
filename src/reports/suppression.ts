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

/** A table of counts and the sets of cells that add up (each set: one cell is the sum of the others, or any signed sum with zero total). */
export interface CountTable {
  readonly cells: readonly number[];
  /** Index sets of cells bound by one linear relation (e.g. [total, part1, part2]). */
  readonly relations: readonly (readonly number[])[];
  /** Indices of cells printed elsewhere (a total in a header or another table): never chosen as a complement. */
  readonly fixed?: readonly number[];
}

export class SuppressionError extends Error {
  override name = 'SuppressionError';
}

export function isSmallCount(n: number, smallCellMin: number): boolean {
  return n > 0 && n < smallCellMin;
}

/** The status of every cell of a table under primary and complementary suppression. */
export function suppressCounts(table: CountTable, smallCellMin: number): CellStatus[] {
  const fixed = new Set(table.fixed ?? []);
  // A public cell that is itself small is printed "<k" wherever it appears, so it counts as hidden.
  const status: CellStatus[] = table.cells.map((c) => (isSmallCount(c, smallCellMin) ? 'small' : 'shown'));
  for (let changed = true; changed; ) {
    changed = false;
    for (const relation of table.relations) {
      const hidden = relation.filter((i) => status[i] !== 'shown');
      if (hidden.length !== 1) continue;
      let partner = -1;
      for (const i of relation) {
        if (status[i] !== 'shown' || fixed.has(i) || table.cells[i] < smallCellMin) continue;
        if (partner < 0 || table.cells[i] < table.cells[partner]) partner = i;
      }
      if (partner < 0) {
        // Only zeros and public cells left: the hidden one equals a public difference. It cannot be
        // protected without withholding the whole relation, which the caller must decide to do.
        throw new SuppressionError(`a suppressed count of ${relation.length} related cells cannot be protected by a complementary cell`);
      }
      status[partner] = 'complement';
      changed = true;
    }
  }
  return status;
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
