/** A count as mail and reports print it: 0 < n < min becomes "<min" (small-cell suppression). */
export function suppressedCount(n: number, min: number): string {
  return n > 0 && n < min ? `<${min}` : String(n);
}

// Complementary suppression of one relation total = sum(parts), the signature of the reports' one
// suppression function (src/reports/suppression.ts on the reports branch, which replaces this file).
export type CellStatus = 'shown' | 'small' | 'complement';

export function suppressRow(total: number, parts: readonly number[], smallCellMin: number): { total: CellStatus; parts: CellStatus[] } {
  const cells = [total, ...parts];
  const status: CellStatus[] = cells.map((c) => (c > 0 && c < smallCellMin ? 'small' : 'shown'));
  // One hidden cell of a sum gives itself away by subtraction: hide the smallest other cell >= k too.
  if (status.filter((s) => s !== 'shown').length === 1) {
    let partner = -1;
    cells.forEach((c, i) => { if (status[i] === 'shown' && c >= smallCellMin && (partner < 0 || c < cells[partner])) partner = i; });
    if (partner >= 0) status[partner] = 'complement';
  }
  return { total: status[0], parts: status.slice(1) };
}

export function printedCount(n: number, status: CellStatus, smallCellMin: number): string {
  if (status === 'small') return `<${smallCellMin}`;
  if (status === 'complement') return `\u2265${smallCellMin}`;
  return n.toLocaleString('en-US');
}
