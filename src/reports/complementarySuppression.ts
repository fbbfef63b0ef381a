// Complementary (secondary) suppression for a column of counts whose total is printed: with
// exactly one small cell hidden, it could be recovered as total − the others, so the smallest other
// non-zero cell is hidden too (Hundepool et al., Statistical Disclosure Control, 2012, ch. 4).
import { isSmallCell } from './format.ts';

/** `small`: 0 < n < smallCellMin (printed "<k"); `complement`: hidden to protect one (printed "≥k"). */
export type CellStatus = 'shown' | 'small' | 'complement';

export function suppressColumn(counts: readonly number[], smallCellMin: number): CellStatus[] {
  const status: CellStatus[] = counts.map((c) => (isSmallCell(c, smallCellMin) ? 'small' : 'shown'));
  if (status.filter((s) => s === 'small').length !== 1) return status;
  let partner = -1;
  counts.forEach((c, i) => {
    if (status[i] === 'shown' && c > 0 && (partner < 0 || c < counts[partner])) partner = i;
  });
  if (partner >= 0) status[partner] = 'complement';
  return status;
}

/** The printed form of a complement-suppressed count: true (it is at least the threshold) and no more. */
export function complementText(smallCellMin: number): string {
  return `\u2265${smallCellMin}`;
}

/** The exported form (ASCII, as CSV readers expect). */
export function complementCell(smallCellMin: number): string {
  return `>=${smallCellMin}`;
}
